//! The trait impls of generated types, written once here as macros.
//!
//! A generated `types.rs` is read by a reviewer in every spec pull request, so it holds what
//! differs from type to type — the declarations, their docs, and one line per field or value
//! saying how it decodes — while the machinery those lines drive lives here. Written out in
//! each module, the same impls were about half of the generated crate's lines. The expansion
//! is what the generator used to print, so decoding costs the same.
//!
//! Every path in these macros is absolute (`::core::…`, `$crate::…`): a generated module may
//! declare a type named `From`, `String` or `Result`, and a `macro_rules!` expansion resolves
//! the names it does not qualify where it is invoked.
//!
//! These macros are for the generated crate; their syntax can change with the generator.

/// `Deserialize` and `UnknownFields` for a generated object that keeps undescribed fields in
/// `extra`: one pass over the object's keys, each documented wire name decoding into its field
/// and every other key into `extra`.
///
/// `#[serde(flatten)]` would buffer the whole object into serde's `Content` first: a second
/// decode of every field, and numbers squeezed through serde's own number types. The errors are
/// the ones serde's derive gives: `missing field`, `duplicate field`, `expected struct ..`.
///
/// Each field is `name: "wire"`, then `required` when a missing key is an error (otherwise the
/// field's `Default` is taken: `None`, `Patch::Unset`), then `walk` when the value can hold
/// undescribed data of its own for `UnknownFields` to report.
#[doc(hidden)]
#[macro_export]
macro_rules! open_object {
    (@take $slot:ident, $wire:literal, $err:ty, required $($walk:ident)?) => {
        $slot.ok_or_else(|| <$err as $crate::__serde::de::Error>::missing_field($wire))?
    };
    (@take $slot:ident, $wire:literal, $err:ty, $($walk:ident)?) => {
        $slot.unwrap_or_default()
    };
    ($name:ident { $($field:ident: $wire:literal $($flag:ident)*,)* }) => {
        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                struct Fields;

                impl<'de> $crate::__serde::de::Visitor<'de> for Fields {
                    type Value = $name;

                    fn expecting(
                        &self,
                        f: &mut ::core::fmt::Formatter<'_>,
                    ) -> ::core::fmt::Result {
                        f.write_str(::core::concat!("struct ", ::core::stringify!($name)))
                    }

                    #[allow(deprecated)]
                    fn visit_map<A: $crate::__serde::de::MapAccess<'de>>(
                        self,
                        mut map: A,
                    ) -> ::core::result::Result<$name, A::Error> {
                        // Hygiene keeps these slots apart from `map`, `key` and `extra`, even
                        // for fields of the same names.
                        $(let mut $field = ::core::option::Option::None;)*
                        let mut extra = $crate::extra::ExtraBuilder::new();
                        while let ::core::option::Option::Some(key) =
                            map.next_key::<$crate::de::Key<'de>>()?
                        {
                            match key.as_str() {
                                $($wire => $crate::de::next_value(&mut map, &mut $field, $wire)?,)*
                                _ => extra.push(key.as_str(), map.next_value()?),
                            }
                        }
                        ::core::result::Result::Ok($name {
                            $($field: $crate::open_object!(
                                @take $field, $wire, A::Error, $($flag)*
                            ),)*
                            extra: extra.finish(),
                        })
                    }
                }

                deserializer.deserialize_map(Fields)
            }
        }

        $crate::unknown_fields!($name { $($field: $wire $($flag)*,)* } extra);
    };
}

/// `UnknownFields` for a generated object: the fields marked `walk` are searched, and `extra`
/// (when the object has one) is reported whole. Fields that cannot hold anything undescribed
/// (strings, numbers, closed objects of such fields) are left out of the list.
#[doc(hidden)]
#[macro_export]
macro_rules! unknown_fields {
    (@flags $value:expr, $path:expr, $out:expr, $wire:literal, walk) => {
        $crate::UnknownFields::collect_unknown(
            $value,
            &$crate::unknown::field_path($path, $wire),
            $out,
        )
    };
    (@flags $value:expr, $path:expr, $out:expr, $wire:literal, required $($rest:ident)*) => {
        $crate::unknown_fields!(@flags $value, $path, $out, $wire, $($rest)*)
    };
    (@flags $value:expr, $path:expr, $out:expr, $wire:literal,) => {};
    ($name:ident { $($field:ident: $wire:literal $($flag:ident)*,)* } $($extra:ident)?) => {
        impl $crate::UnknownFields for $name {
            #[allow(deprecated, unused_variables)]
            fn collect_unknown(
                &self,
                path: &::core::primitive::str,
                out: &mut ::std::vec::Vec<::std::string::String>,
            ) {
                $($crate::unknown_fields!(@flags &self.$field, path, out, $wire, $($flag)*);)*
                $($crate::UnknownFields::collect_unknown(&self.$extra, path, out);)?
            }
        }
    };
}

/// `Deserialize` and `UnknownFields` for a generated untagged union: each variant is decoded in
/// turn from the value's JSON text ([`crate::de::Union`]), the first that fits is taken; the
/// variant held is what `UnknownFields` searches. (`Serialize` is serde's `untagged` derive,
/// which writes the variant's value alone.)
#[doc(hidden)]
#[macro_export]
macro_rules! untagged_union {
    ($name:ident { $($variant:ident),* $(,)? }) => {
        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                let mut value = $crate::de::Union::read(deserializer)?;
                $(
                    if let ::core::option::Option::Some(v) =
                        value.variant(::core::stringify!($variant))
                    {
                        return ::core::result::Result::Ok($name::$variant(v));
                    }
                )*
                ::core::result::Result::Err(value.fail(::core::stringify!($name)))
            }
        }

        impl $crate::UnknownFields for $name {
            fn collect_unknown(
                &self,
                path: &::core::primitive::str,
                out: &mut ::std::vec::Vec<::std::string::String>,
            ) {
                match self {
                    $($name::$variant(v) => $crate::UnknownFields::collect_unknown(v, path, out),)*
                }
            }
        }
    };
}

/// The impls of a generated open enum of strings: the wire text of each documented value, and
/// `Unknown` for any other, kept as received.
#[doc(hidden)]
#[macro_export]
macro_rules! open_str_enum {
    ($name:ident { $($variant:ident = $wire:literal,)* }) => {
        impl $name {
            /// The value on the wire.
            pub fn as_str(&self) -> &::core::primitive::str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Unknown(v) => v,
                }
            }
        }

        impl ::core::convert::From<&::core::primitive::str> for $name {
            fn from(value: &::core::primitive::str) -> Self {
                match value {
                    $($wire => $name::$variant,)*
                    other => $name::Unknown(::std::borrow::ToOwned::to_owned(other)),
                }
            }
        }

        impl ::core::convert::From<::std::string::String> for $name {
            fn from(value: ::std::string::String) -> Self {
                match value.as_str() {
                    $($wire => $name::$variant,)*
                    _ => $name::Unknown(value),
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                $crate::de::text(deserializer).map(|key| match key.as_str() {
                    $($wire => $name::$variant,)*
                    _ => $name::Unknown(key.into_owned()),
                })
            }
        }

        $crate::open_enum_common!($name, as_str);
    };
}

/// The impls of a generated open enum of integers.
#[doc(hidden)]
#[macro_export]
macro_rules! open_int_enum {
    ($name:ident { $($variant:ident = $wire:literal,)* }) => {
        impl $name {
            /// The value on the wire.
            pub fn as_i64(&self) -> ::core::primitive::i64 {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Unknown(v) => *v,
                }
            }
        }

        impl ::core::convert::From<::core::primitive::i64> for $name {
            fn from(value: ::core::primitive::i64) -> Self {
                match value {
                    $($wire => $name::$variant,)*
                    other => $name::Unknown(other),
                }
            }
        }

        impl ::core::fmt::Display for $name {
            fn fmt(&self, f: &mut ::core::fmt::Formatter<'_>) -> ::core::fmt::Result {
                ::core::fmt::Display::fmt(&self.as_i64(), f)
            }
        }

        impl $crate::__serde::Serialize for $name {
            fn serialize<S: $crate::__serde::Serializer>(
                &self,
                serializer: S,
            ) -> ::core::result::Result<S::Ok, S::Error> {
                serializer.serialize_i64(self.as_i64())
            }
        }

        impl<'de> $crate::__serde::Deserialize<'de> for $name {
            fn deserialize<D: $crate::__serde::Deserializer<'de>>(
                deserializer: D,
            ) -> ::core::result::Result<Self, D::Error> {
                <::core::primitive::i64 as $crate::__serde::Deserialize>::deserialize(deserializer)
                    .map(<$name as ::core::convert::From<::core::primitive::i64>>::from)
            }
        }

        $crate::open_enum_common!($name, as_i64);
    };
}

/// What open enums of both kinds share: the parameter text and the report of an unknown value.
#[doc(hidden)]
#[macro_export]
macro_rules! open_enum_common {
    ($name:ident, $wire:ident) => {
        impl $crate::ToParam for $name {
            fn to_param(&self) -> ::std::string::String {
                ::std::string::ToString::to_string(&self.$wire())
            }
        }

        impl $crate::UnknownFields for $name {
            fn collect_unknown(
                &self,
                path: &::core::primitive::str,
                out: &mut ::std::vec::Vec<::std::string::String>,
            ) {
                if let $name::Unknown(v) = self {
                    out.push(::std::format!("{path} = {v}"));
                }
            }
        }
    };
}

/// What every generated request builder has besides its parameters: the per-call `timeout` and
/// `max_body` settings, and `IntoFuture`, so that awaiting a builder sends it. The builder is a
/// struct with a lifetime `'a`, fields `timeout: Option<Duration>` and `max_body: Option<u64>`,
/// and a `fn send(self) -> Call<'a, $output>`.
#[doc(hidden)]
#[macro_export]
macro_rules! request_builder {
    ($builder:ident => $output:ty) => {
        impl<'a> $builder<'a> {
            /// Overrides the client's total timeout for this call: one deadline for the whole
            /// call, waits and retries included.
            pub fn timeout(mut self, value: ::core::time::Duration) -> Self {
                self.timeout = ::core::option::Option::Some(value);
                self
            }

            /// Overrides the client's response body cap, in bytes, for this call.
            pub fn max_body(mut self, bytes: ::core::primitive::u64) -> Self {
                self.max_body = ::core::option::Option::Some(bytes);
                self
            }
        }

        impl<'a> ::core::future::IntoFuture for $builder<'a> {
            type Output = $output;
            type IntoFuture = $crate::Call<'a, $output>;

            fn into_future(self) -> Self::IntoFuture {
                self.send()
            }
        }
    };
}
