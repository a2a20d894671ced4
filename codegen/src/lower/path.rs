//! The path template pass: a template (`/events/{id}`, or a base URL) splits into literal text
//! and `{placeholders}`; an operation's placeholders resolve to its path parameters or to
//! client parameters.

use super::{Lowerer, join};
use crate::ir;

impl Lowerer<'_> {
    /// The parts of an operation's path template at `path.path`, every placeholder resolved;
    /// `None` when the template does not parse (reported here).
    pub(super) fn path_template(
        &mut self,
        path: &str,
        template: &str,
        params: &[ir::Param],
        client_params: &[ir::ClientParam],
    ) -> Option<Vec<ir::PathPart>> {
        let at = join(path, "path");
        let split = match split_path(template) {
            Ok(split) => split,
            Err(msg) => {
                self.error(&at, msg);
                return None;
            }
        };
        if !template.starts_with('/') {
            self.error(&at, "a path starts with `/`");
        }
        let mut parts = Vec::new();
        for part in split {
            match part {
                Ok(lit) => parts.push(ir::PathPart::Literal(lit)),
                Err(name) => {
                    if let Some(p) = params
                        .iter()
                        .find(|p| p.wire == name && p.location == ir::ParamLocation::Path)
                    {
                        parts.push(ir::PathPart::Param(p.rust.clone()));
                    } else if let Some(c) = client_params
                        .iter()
                        .find(|c| c.wire == name && c.location == ir::ClientParamLocation::Path)
                    {
                        parts.push(ir::PathPart::Client(c.rust.clone()));
                    } else {
                        self.error(
                            &at,
                            format!("placeholder `{{{name}}}` is neither a path parameter nor a client parameter"),
                        );
                    }
                }
            }
        }
        Some(parts)
    }
}

/// The `{names}` in a template.
pub(super) fn placeholders(template: &str) -> Result<Vec<String>, String> {
    Ok(split_path(template)?
        .into_iter()
        .filter_map(Result::err)
        .collect())
}

/// Splits a template into literal text (`Ok`) and placeholder names (`Err`).
pub(super) fn split_path(template: &str) -> Result<Vec<Result<String, String>>, String> {
    let mut out = Vec::new();
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        if rest[..open].contains('}') {
            return Err(format!("unmatched `}}` in `{template}`"));
        }
        if open > 0 {
            out.push(Ok(rest[..open].to_owned()));
        }
        let close = rest[open..]
            .find('}')
            .ok_or_else(|| format!("unclosed `{{` in `{template}`"))?;
        let name = &rest[open + 1..open + close];
        if name.is_empty() || name.contains('{') {
            return Err(format!("malformed placeholder in `{template}`"));
        }
        out.push(Err(name.to_owned()));
        rest = &rest[open + close + 1..];
    }
    if rest.contains('}') {
        return Err(format!("unmatched `}}` in `{template}`"));
    }
    if !rest.is_empty() {
        out.push(Ok(rest.to_owned()));
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::{placeholders, split_path};

    fn lit(s: &str) -> Result<String, String> {
        Ok(s.to_owned())
    }

    fn param(s: &str) -> Result<String, String> {
        Err(s.to_owned())
    }

    #[test]
    fn splits_literals_and_placeholders() {
        assert_eq!(
            split_path("/events/{id}").unwrap(),
            [lit("/events/"), param("id")]
        );
        assert_eq!(
            split_path("/{calendarKey}/events/{eventId}/history").unwrap(),
            [
                lit("/"),
                param("calendarKey"),
                lit("/events/"),
                param("eventId"),
                lit("/history")
            ]
        );
        // Adjacent placeholders, and one that is the whole template.
        assert_eq!(
            split_path("/{a}{b}.json").unwrap(),
            [lit("/"), param("a"), param("b"), lit(".json")]
        );
        assert_eq!(split_path("{host}").unwrap(), [param("host")]);
        // A template without placeholders is one literal; an empty one is nothing.
        assert_eq!(split_path("/ping").unwrap(), [lit("/ping")]);
        assert_eq!(split_path("").unwrap(), []);
        // Names are taken as written: dots, dashes and non-ASCII text are the spec's business.
        assert_eq!(
            split_path("/files/{file.id}/{é-x}").unwrap(),
            [lit("/files/"), param("file.id"), lit("/"), param("é-x")]
        );
    }

    #[test]
    fn base_urls_have_placeholders_too() {
        assert_eq!(
            placeholders("https://{subdomain}.example.com/{version}/").unwrap(),
            ["subdomain", "version"]
        );
        assert_eq!(
            placeholders("https://api.example.com").unwrap(),
            Vec::<String>::new()
        );
    }

    #[test]
    fn refuses_malformed_templates_saying_what_is_wrong() {
        let cases = [
            ("/events/{id", "unclosed `{` in `/events/{id`"),
            ("/events/{", "unclosed `{` in `/events/{`"),
            ("/events/{}", "malformed placeholder in `/events/{}`"),
            ("/events/{a{b}", "malformed placeholder in `/events/{a{b}`"),
            ("/events/id}", "unmatched `}` in `/events/id}`"),
            ("/events/{id}}", "unmatched `}` in `/events/{id}}`"),
            ("}", "unmatched `}` in `}`"),
            // A stray `}` before a placeholder is found too, not taken as literal text.
            ("/a}/{b}", "unmatched `}` in `/a}/{b}`"),
        ];
        for (template, message) in cases {
            assert_eq!(split_path(template), Err(message.to_owned()), "{template}");
            assert_eq!(
                placeholders(template),
                Err(message.to_owned()),
                "{template}"
            );
        }
    }
}
