//! Wire tests of the generated Teamleader API v1 client.
//!
//! Each test points the client at a local HTTP server, makes calls, and checks what crossed the
//! wire byte for byte: every v1 call is a POST of an `application/x-www-form-urlencoded` form
//! to `/<name>.php`, without a query, with the API group and secret appended to the form (or a
//! bearer token instead, for a client with an OAuth2 session). The spec documents no JSON
//! example, so the server answers with what the spec notes describe: bare ids and other plain
//! text, JSON objects and JSON arrays. The vendor documents are `shared/sources/000_*.txt`,
//! `001_*.txt` and `more/teamleader-v1-*.txt`.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, Mutex};
use std::time::{Duration, SystemTime};

use clientgen_runtime::oauth::{OAuthSession, TokenPair};
use clientgen_runtime::{Decimal, Sleeper, UnixTime};
use clientgen_tests::{
    RecordingStore, Sent, assert_header, assert_request, load_spec, received, serve_with,
    single_request,
};
use futures::StreamExt;
use saas_clients::teamleader_v1::{self, types};
use serde_json::{Value, json};
use wiremock::matchers::{any, body_string_contains};
use wiremock::{Mock, MockServer, Request, ResponseTemplate};

/// What the credentials add to the end of every form.
const CREDENTIALS: &str = "api_group=GROUP&api_secret=SECRET";

/// A v1 client for `server` that sends the API group and secret in every form.
fn client(server: &MockServer) -> teamleader_v1::Client {
    builder(server).build().expect("client builds")
}

fn builder(server: &MockServer) -> teamleader_v1::ClientBuilder {
    teamleader_v1::Client::builder()
        .credentials(["GROUP", "SECRET"])
        .transport(|t| t.base_url(server.uri()).allow_http(true))
}

/// A client whose retries do not sleep; it counts the waits it was asked for instead.
fn instant_retry_client(server: &MockServer) -> (teamleader_v1::Client, Arc<Mutex<u32>>) {
    let waits: Arc<Mutex<u32>> = Arc::default();
    let count = Arc::clone(&waits);
    let sleeper = Sleeper::new(move |_| {
        *count.lock().unwrap() += 1;
        Box::pin(async {})
    });
    let client = builder(server)
        .transport(|t| t.sleeper(sleeper))
        .build()
        .expect("client builds");
    (client, waits)
}

/// Asserts what every v1 call sends (a POST without a query, `Accept: application/json`, a form
/// body) and what this one sent: the path and the exact form, which for a client with
/// credentials ends in [`CREDENTIALS`].
#[track_caller]
fn assert_form(req: &Request, path: &str, form: &str) {
    assert_request(req, "POST", path, None, Sent::Form(form));
}

/// Like [`assert_form`], for a client with credentials: `fields`, then the credentials, and no
/// `Authorization` header.
#[track_caller]
fn assert_credentials_form(req: &Request, path: &str, fields: &str) {
    let form = match fields {
        "" => CREDENTIALS.to_owned(),
        fields => format!("{fields}&{CREDENTIALS}"),
    };
    assert_form(req, path, &form);
    assert_header(req, "authorization", None);
}

fn s(text: &str) -> String {
    text.to_owned()
}

fn dec(text: &str) -> Decimal {
    text.parse().expect("a decimal")
}

/// A plain-text answer, as the bare-id and text operations get it.
fn text(status: u16, body: &str) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.as_bytes().to_vec(), "text/plain")
}

/// A JSON answer.
fn json_answer(status: u16, body: Value) -> ResponseTemplate {
    ResponseTemplate::new(status).set_body_raw(body.to_string().into_bytes(), "application/json")
}

/// The server's answer for each kind of response the spec declares, and the value the client
/// must decode from it.
macro_rules! answer {
    // `integer` as text: the bare id the pages show.
    (Id) => {
        (text(200, "418164"), 418164_i64)
    };
    // `string` as text.
    (Text) => {
        (text(200, "OK"), s("OK"))
    };
    // `json`: any JSON value.
    (Json) => {
        (json_answer(200, json!({"id": 1})), json!({"id": 1}))
    };
    // `array<json>`.
    (List) => {
        (json_answer(200, json!([{"id": 1}])), vec![json!({"id": 1})])
    };
    // `map<json>`.
    (Map) => {
        (
            json_answer(200, json!({"id": 1})),
            BTreeMap::from([(s("id"), json!(1))]),
        )
    };
    (ProjectSummaries) => {
        (
            json_answer(200, json!([{"id": 7, "title": "Website", "start_date": 1538400423}])),
            vec![types::ProjectSummary {
                id: Some(7),
                title: Some(s("Website")),
                start_date: Some(UnixTime(1538400423)),
                ..Default::default()
            }],
        )
    };
    (ClientProjects) => {
        (
            json_answer(200, json!([{"id": 7, "contact_or_company": "company"}])),
            vec![types::ClientProject {
                id: Some(7),
                contact_or_company: Some(types::ContactOrCompany::Company),
                ..Default::default()
            }],
        )
    };
    (FileEntries) => {
        (
            json_answer(200, json!([{"id": 3, "filename": "a.pdf", "filesize_bytes": 1024}])),
            vec![types::FileEntry {
                id: Some(3),
                filename: Some(s("a.pdf")),
                filesize_bytes: Some(1024),
                ..Default::default()
            }],
        )
    };
    (FileInfo) => {
        (
            json_answer(200, json!({"filename": "a.pdf", "date_last_edited": 1538400423})),
            types::FileInfo {
                filename: Some(s("a.pdf")),
                date_last_edited: Some(UnixTime(1538400423)),
                ..Default::default()
            },
        )
    };
}

// ----------------------------------------------------------------------------------------------
// Every operation

/// Every one of the 130 operations, with only its required fields set, POSTs them in the spec's
/// order followed by the credentials to `/<name>.php`, and decodes its kind of answer.
#[tokio::test]
async fn every_operation_posts_its_form_and_decodes_its_answer() {
    let mut covered: BTreeSet<&str> = BTreeSet::new();
    // One call per operation, each through a fresh server and client: the client's rate limit
    // (25 calls in 5 seconds) would otherwise make this test take half a minute.
    macro_rules! case {
        ($op:ident($body:expr) => $path:literal, $fields:literal, $kind:ident) => {{
            let (template, expected) = answer!($kind);
            let server = serve_with(template).await;
            let body = $body;
            let value = client(&server)
                .$op(&body)
                .await
                .unwrap_or_else(|e| panic!("{}: {e:?}", stringify!($op)))
                .into_inner();
            assert_eq!(value, expected, "answer of {}", stringify!($op));
            assert_credentials_form(&single_request(&server).await, $path, $fields);
            assert!(covered.insert(stringify!($op)), "{} twice", stringify!($op));
        }};
    }

    case!(get_users(types::GetUsers::default())
        => "/getUsers.php", "", Json);
    case!(get_departments(types::GetDepartments::default())
        => "/getDepartments.php", "", Json);
    case!(get_tags(types::GetTags::default())
        => "/getTags.php", "", Json);
    case!(get_segments(types::GetSegments::default())
        => "/getSegments.php", "", Json);
    case!(add_contact(types::AddContact::new(s("Text 1"), s("Text 2"), s("Text 3")))
        => "/addContact.php", "forename=Text%201&surname=Text%202&email=Text%203", Id);
    case!(update_contact(types::UpdateContact::new(1, s("Text 2")))
        => "/updateContact.php", "contact_id=1&track_changes=Text%202", Text);
    case!(delete_contact(types::DeleteContact::new(1))
        => "/deleteContact.php", "contact_id=1", Text);
    case!(link_contact_to_company(types::LinkContactToCompany::new(1, 2, types::LinkMode::Unlink))
        => "/linkContactToCompany.php", "contact_id=1&company_id=2&mode=unlink", Text);
    case!(get_contacts(types::GetContacts::default())
        => "/getContacts.php", "", List);
    case!(get_contact(types::GetContact::new(1))
        => "/getContact.php", "contact_id=1", Map);
    case!(get_contacts_by_company(types::GetContactsByCompany::new(1))
        => "/getContactsByCompany.php", "company_id=1", Json);
    case!(get_contact_company_relations(types::GetContactCompanyRelations::default())
        => "/getContactCompanyRelations.php", "", List);
    case!(add_company(types::AddCompany::new(s("Text 1")))
        => "/addCompany.php", "name=Text%201", Text);
    case!(update_company(types::UpdateCompany::new(1, s("Text 2")))
        => "/updateCompany.php", "company_id=1&track_changes=Text%202", Text);
    case!(delete_company(types::DeleteCompany::new(1))
        => "/deleteCompany.php", "company_id=1", Text);
    case!(get_companies(types::GetCompanies::default())
        => "/getCompanies.php", "", List);
    case!(get_company(types::GetCompany::new(1))
        => "/getCompany.php", "company_id=1", Map);
    case!(get_business_types(types::GetBusinessTypes::new(s("Text 1")))
        => "/getBusinessTypes.php", "country=Text%201", Json);
    case!(add_deal(types::AddDeal::new(types::ContactOrCompany::Company, 2, s("Text 3"), s("Text 4")))
        => "/addDeal.php", "contact_or_company=company&contact_or_company_id=2&title=Text%203&source=Text%204", Text);
    case!(update_deal(types::UpdateDeal::new(1))
        => "/updateDeal.php", "deal_id=1", Text);
    case!(update_deal_items(types::UpdateDealItems::default())
        => "/updateDealItems.php", "", Text);
    case!(send_sale_to_client(types::SendSaleToClient::default())
        => "/sendSaleToClient.php", "", Text);
    case!(get_deals(types::GetDeals::default())
        => "/getDeals.php", "", List);
    case!(get_deals_by_contact_or_company(types::GetDealsByContactOrCompany::new(types::ContactOrCompany::Company, 2))
        => "/getDealsByContactOrCompany.php", "contact_or_company=company&contact_or_company_id=2", Json);
    case!(get_deals_by_project(types::GetDealsByProject::new(1))
        => "/getDealsByProject.php", "project_id=1", Json);
    case!(get_deal(types::GetDeal::new(1))
        => "/getDeal.php", "deal_id=1", Json);
    case!(get_deal_phase_changes(types::GetDealPhaseChanges::new(1))
        => "/getDealPhaseChanges.php", "deal_id=1", Json);
    case!(get_all_deal_phase_changes(types::GetAllDealPhaseChanges::new(s("Text 1"), s("Text 2")))
        => "/getAllDealPhaseChanges.php", "date_from=Text%201&date_to=Text%202", Json);
    case!(get_deal_phases(types::GetDealPhases::default())
        => "/getDealPhases.php", "", Json);
    case!(get_deal_sources(types::GetDealSources::default())
        => "/getDealSources.php", "", Json);
    case!(add_invoice(types::AddInvoice::new(types::ContactOrCompany::Company, 2, 3))
        => "/addInvoice.php", "contact_or_company=company&contact_or_company_id=2&sys_department_id=3", Text);
    case!(add_creditnote(types::AddCreditnote::new(1))
        => "/addCreditnote.php", "invoice_id=1", Text);
    case!(set_invoice_payment_status(types::SetInvoicePaymentStatus::new(1, types::PaymentStatus::NotPaid))
        => "/setInvoicePaymentStatus.php", "invoice_id=1&status=not_paid", Text);
    case!(book_draft_invoice(types::BookDraftInvoice::new(1))
        => "/bookDraftInvoice.php", "invoice_id=1", Text);
    case!(update_invoice(types::UpdateInvoice::new(1))
        => "/updateInvoice.php", "invoice_id=1", Text);
    case!(update_invoice_comments(types::UpdateInvoiceComments::new(1, s("Text 2")))
        => "/updateInvoiceComments.php", "invoice_id=1&comments=Text%202", Text);
    case!(delete_invoice(types::DeleteInvoice::new(1))
        => "/deleteInvoice.php", "invoice_id=1", Text);
    case!(get_invoices(types::GetInvoices::new(s("Text 1"), s("Text 2")))
        => "/getInvoices.php", "date_from=Text%201&date_to=Text%202", Json);
    case!(get_creditnotes(types::GetCreditnotes::new(s("Text 1"), s("Text 2")))
        => "/getCreditnotes.php", "date_from=Text%201&date_to=Text%202", Json);
    case!(get_invoices_by_project(types::GetInvoicesByProject::new(1))
        => "/getInvoicesByProject.php", "project_id=1", Json);
    case!(get_creditnotes_by_project(types::GetCreditnotesByProject::new(1))
        => "/getCreditnotesByProject.php", "project_id=1", Json);
    case!(get_invoices_by_deal(types::GetInvoicesByDeal::new(1))
        => "/getInvoicesByDeal.php", "deal_id=1", Json);
    case!(get_invoice(types::GetInvoice::new(1))
        => "/getInvoice.php", "invoice_id=1", Json);
    case!(get_creditnote(types::GetCreditnote::new(1))
        => "/getCreditnote.php", "creditnote_id=1", Json);
    case!(get_timetracking_for_invoice(types::GetTimetrackingForInvoice::default())
        => "/getTimetrackingForInvoice.php", "", Json);
    case!(get_invoice_by_nr(types::GetInvoiceByNr::default())
        => "/getInvoiceByNr.php", "", Json);
    case!(get_creditnote_by_nr(types::GetCreditnoteByNr::default())
        => "/getCreditnoteByNr.php", "", Json);
    case!(get_invoice_by_ogm(types::GetInvoiceByOgm::default())
        => "/getInvoiceByOGM.php", "", Json);
    case!(download_invoice_pdf(types::DownloadInvoicePdf::new(1))
        => "/downloadInvoicePDF.php", "invoice_id=1", Json);
    case!(download_creditnote_pdf(types::DownloadCreditnotePdf::new(1))
        => "/downloadCreditnotePDF.php", "creditnote_id=1", Json);
    case!(send_invoice(types::SendInvoice::new(1, s("Text 2"), s("Text 3"), s("Text 4")))
        => "/sendInvoice.php", "invoice_id=1&email_to=Text%202&email_subject=Text%203&email_text=Text%204", Text);
    case!(get_invoice_reminder_templates(types::GetInvoiceReminderTemplates::new(1))
        => "/getInvoiceReminderTemplates.php", "invoice_id=1", Json);
    case!(get_invoice_reminder_template_content(types::GetInvoiceReminderTemplateContent::new(1, 2))
        => "/getInvoiceReminderTemplateContent.php", "invoice_id=1&template_id=2", Json);
    case!(get_invoice_cloud_url(types::GetInvoiceCloudUrl::new(1))
        => "/getInvoiceCloudURL.php", "invoice_id=1", Json);
    case!(get_bookkeeping_accounts(types::GetBookkeepingAccounts::new(1))
        => "/getBookkeepingAccounts.php", "sys_department_id=1", Json);
    case!(add_subscription(types::AddSubscription::new(types::ContactOrCompany::Company, 2, 3, s("Text 4"), s("Text 5"), s("Text 6")))
        => "/addSubscription.php", "contact_or_company=company&contact_or_company_id=2&sys_department_id=3&date_start=Text%204&repeat_after=Text%205&title=Text%206", Text);
    case!(update_subscription(types::UpdateSubscription::new(1))
        => "/updateSubscription.php", "subscription_id=1", Text);
    case!(delete_subscription(types::DeleteSubscription::new(1))
        => "/deleteSubscription.php", "subscription_id=1", Text);
    case!(get_subscriptions(types::GetSubscriptions::default())
        => "/getSubscriptions.php", "", List);
    case!(get_subscription(types::GetSubscription::new(1))
        => "/getSubscription.php", "subscription_id=1", Json);
    case!(get_invoices_by_subscription(types::GetInvoicesBySubscription::new(1))
        => "/getInvoicesBySubscription.php", "subscription_id=1", Json);
    case!(get_related_subscriptions_by_invoice(types::GetRelatedSubscriptionsByInvoice::new(1))
        => "/getRelatedSubscriptionsByInvoice.php", "invoice_id=1", Json);
    case!(get_subscriptions_by_deal(types::GetSubscriptionsByDeal::new(1))
        => "/getSubscriptionsByDeal.php", "deal_id=1", Json);
    case!(get_subscriptions_by_contact_or_company(types::GetSubscriptionsByContactOrCompany::new(types::ContactOrCompany::Company, 2))
        => "/getSubscriptionsByContactOrCompany.php", "contact_or_company=company&contact_or_company_id=2", Json);
    case!(add_product(types::AddProduct::new(s("Text 1"), dec("12.50")))
        => "/addProduct.php", "name=Text%201&price=12.50", Id);
    case!(update_product(types::UpdateProduct::new(1))
        => "/updateProduct.php", "product_id=1", Json);
    case!(delete_product(types::DeleteProduct::new(1))
        => "/deleteProduct.php", "product_id=1", Text);
    case!(get_product(types::GetProduct::new(1))
        => "/getProduct.php", "product_id=1", Json);
    case!(get_products(types::GetProducts::default())
        => "/getProducts.php", "", List);
    case!(add_ticket(types::AddTicket {
            client_email: Some(s("E")),
            client_name: Some(s("N")),
            ..types::AddTicket::new(s("Text 1"))
        })
        => "/addTicket.php", "client_email=E&client_name=N&subject=Text%201", Id);
    case!(update_ticket(types::UpdateTicket::new(1))
        => "/updateTicket.php", "ticket_id=1", Text);
    case!(add_ticket_message(types::AddTicketMessage::new(1, s("Text 2")))
        => "/addTicketMessage.php", "ticket_id=1&message=Text%202", Text);
    case!(get_tickets(types::GetTickets::default())
        => "/getTickets.php", "", List);
    case!(get_ticket(types::GetTicket::new(1))
        => "/getTicket.php", "ticket_id=1", Json);
    case!(get_ticket_messages(types::GetTicketMessages::new(1, s("Text 2"), s("Text 3")))
        => "/getTicketMessages.php", "ticket_id=1&include_internal_message=Text%202&include_third_party_message=Text%203", Json);
    case!(get_ticket_message(types::GetTicketMessage::new(1))
        => "/getTicketMessage.php", "message_id=1", Json);
    case!(get_ticket_cloud_url(types::GetTicketCloudUrl::new(1))
        => "/getTicketCloudURL.php", "ticket_id=1", Json);
    case!(add_timetracking(types::AddTimetracking::new(s("Text 1"), UnixTime(1538400423), UnixTime(1538400423), 4, 5))
        => "/addTimetracking.php", "description=Text%201&start_date=1538400423&end_date=1538400423&worker_id=4&task_type_id=5", Text);
    case!(update_timetracking(types::UpdateTimetracking::default())
        => "/updateTimetracking.php", "", Text);
    case!(add_task(types::AddTask::new(s("Text 1"), UnixTime(1538400423), 3, 4))
        => "/addTask.php", "description=Text%201&due_date=1538400423&user_id=3&task_type_id=4", Text);
    case!(update_task(types::UpdateTask::new(1))
        => "/updateTask.php", "task_id=1", Text);
    case!(delete_task(types::DeleteTask::new(1))
        => "/deleteTask.php", "task_id=1", Text);
    case!(get_timetracking_entry(types::GetTimetrackingEntry::default())
        => "/getTimetrackingEntry.php", "", Json);
    case!(get_timetracking(types::GetTimetracking::default())
        => "/getTimetracking.php", "", List);
    case!(get_timetracking_for_task(types::GetTimetrackingForTask::default())
        => "/getTimetrackingForTask.php", "", Json);
    case!(get_tasks(types::GetTasks::default())
        => "/getTasks.php", "", List);
    case!(get_task(types::GetTask::new(1))
        => "/getTask.php", "task_id=1", Map);
    case!(get_task_types(types::GetTaskTypes::default())
        => "/getTaskTypes.php", "", Json);
    case!(get_prepaid_info(types::GetPrepaidInfo::default())
        => "/getPrepaidInfo.php", "", Json);
    case!(get_cost_per_km(types::GetCostPerKm::default())
        => "/getCostPerKm.php", "", Json);
    case!(set_hourly_pricing(types::SetHourlyPricing::default())
        => "/setHourlyPricing.php", "", Text);
    case!(add_callback(types::AddCallback::new(UnixTime(1538400423), s("Text 2"), 3, s("Text 4"), 5))
        => "/addCallback.php", "due_date=1538400423&hour=Text%202&user_id=3&for=Text%204&for_id=5", Text);
    case!(get_calls(types::GetCalls::default())
        => "/getCalls.php", "", List);
    case!(get_call(types::GetCall::new(1))
        => "/getCall.php", "call_id=1", Json);
    case!(add_meeting(types::AddMeeting::new(UnixTime(1538400423), 2, s("Text 3"), s("Text 4"), 5))
        => "/addMeeting.php", "start_date=1538400423&user_id=2&title=Text%203&description=Text%204&duration=5", Json);
    case!(update_meeting(types::UpdateMeeting::new(1))
        => "/updateMeeting.php", "meeting_id=1", Json);
    case!(add_contact_to_meeting(types::AddContactToMeeting::new(1, 2))
        => "/addContactToMeeting.php", "meeting_id=1&contact_id=2", Json);
    case!(remove_contact_from_meeting(types::RemoveContactFromMeeting::new(1, 2))
        => "/removeContactFromMeeting.php", "meeting_id=1&contact_id=2", Text);
    case!(get_meetings(types::GetMeetings::default())
        => "/getMeetings.php", "", Json);
    case!(get_meeting(types::GetMeeting::default())
        => "/getMeeting.php", "", Json);
    case!(get_planned_tasks(types::GetPlannedTasks::default())
        => "/getPlannedTasks.php", "", Json);
    case!(get_days_off(types::GetDaysOff::default())
        => "/getDaysOff.php", "", Json);
    case!(get_days_off_by_user(types::GetDaysOffByUser::default())
        => "/getDaysOffByUser.php", "", Json);
    case!(get_projects(types::GetProjects::new(1, 2))
        => "/getProjects.php", "amount=1&pageno=2", ProjectSummaries);
    case!(get_projects_by_client(types::GetProjectsByClient::new(types::ContactOrCompany::Company, 2, types::Flag::On))
        => "/getProjectsByClient.php", "contact_or_company=company&contact_or_company_id=2&deep_search=1", ClientProjects);
    case!(get_project(types::GetProject::new(1))
        => "/getProject.php", "project_id=1", Json);
    case!(add_project(types::AddProject::new(s("Text 1"), dec("12.50"), 3, s("Text 4"), s("Text 5"), dec("12.50"), types::Flag::On, s("Text 8"), 9))
        => "/addProject.php", "project_name=Text%201&project_budget=12.50&project_responsible_user_id=3&project_start_date=Text%204&milestone_title=Text%205&milestone_budget=12.50&milestone_invoiceable=1&milestone_due_date=Text%208&milestone_responsible_user_id=9", Text);
    case!(update_project(types::UpdateProject::new(1, s("Text 2"), s("Text 3")))
        => "/updateProject.php", "project_id=1&track_changes=Text%202&title=Text%203", Text);
    case!(get_milestones_by_project(types::GetMilestonesByProject::default())
        => "/getMilestonesByProject.php", "", Json);
    case!(get_milestone(types::GetMilestone::default())
        => "/getMilestone.php", "", Json);
    case!(add_milestone(types::AddMilestone::default())
        => "/addMilestone.php", "", Text);
    case!(delete_milestone(types::DeleteMilestone::default())
        => "/deleteMilestone.php", "", Text);
    case!(get_tasks_by_milestone(types::GetTasksByMilestone::default())
        => "/getTasksByMilestone.php", "", Json);
    case!(get_related_parties_by_project(types::GetRelatedPartiesByProject::default())
        => "/getRelatedPartiesByProject.php", "", Json);
    case!(add_related_party_to_project(types::AddRelatedPartyToProject::default())
        => "/addRelatedPartyToProject.php", "", Text);
    case!(get_users_on_project(types::GetUsersOnProject::default())
        => "/getUsersOnProject.php", "", Json);
    case!(add_external_cost(types::AddExternalCost::new(s("Text 1"), s("Text 2"), dec("12.50"), dec("12.50"), types::VatTariff::V21))
        => "/addExternalCost.php", "name=Text%201&description_1=Text%202&price_1=12.50&amount_1=12.50&vat_1=21", Id);
    case!(add_note(types::AddNote::new(s("Text 1"), 2, s("Text 3")))
        => "/addNote.php", "object_type=Text%201&object_id=2&note_title=Text%203", Text);
    case!(get_notes(types::GetNotes::new(s("Text 1"), 2))
        => "/getNotes.php", "object_type=Text%201&object_id=2", List);
    case!(get_files(types::GetFiles::new(1, 2, types::FileObjectType::Project, 3))
        => "/getFiles.php", "amount=1&pageno=2&object_type=project&object_id=3", FileEntries);
    case!(get_file_info(types::GetFileInfo::new(1))
        => "/getFileInfo.php", "file_id=1", FileInfo);
    case!(download_file(types::DownloadFile::new(1))
        => "/downloadFile.php", "file_id=1", Json);
    case!(upload_file(types::UploadFile::new(types::FileObjectType::Project, 2, s("Text 3"), s("Text 4")))
        => "/uploadFile.php", "object_type=project&object_id=2&file_content=Text%203&file_name=Text%204", Text);
    case!(delete_file(types::DeleteFile::new(1))
        => "/deleteFile.php", "file_id=1", Text);
    case!(get_user_access(types::GetUserAccess::default())
        => "/getUserAccess.php", "", Json);
    case!(get_teams(types::GetTeams::default())
        => "/getTeams.php", "", Json);
    case!(get_team(types::GetTeam::default())
        => "/getTeam.php", "", Json);
    case!(get_custom_fields(types::GetCustomFields::new(s("Text 1")))
        => "/getCustomFields.php", "for=Text%201", Json);
    case!(get_custom_field_info(types::GetCustomFieldInfo::new(1))
        => "/getCustomFieldInfo.php", "custom_field_id=1", Json);
    case!(add_custom_field_option(types::AddCustomFieldOption::new(1, s("Text 2")))
        => "/addCustomFieldOption.php", "custom_field_id=1&option_name=Text%202", Text);

    let api = load_spec("teamleader_v1");
    let in_spec: BTreeSet<&str> = api.operations.iter().map(|op| op.id.as_str()).collect();
    assert_eq!(
        covered, in_spec,
        "every operation of the spec, and only those"
    );
    assert_eq!(covered.len(), 130);
}

// ----------------------------------------------------------------------------------------------
// The documented endpoints, fully specified

/// addContact with every kind of optional field the page lists (address blocks, `gender`,
/// `dob` as a Unix timestamp, the 0/1 switches, tags), and a custom field `custom_field_12`
/// through `extra`: the page's order, values percent-encoded (spaces as `%20`, `@`, `/`, `,`
/// and `+` escaped), the custom field after the typed fields, the credentials last. The page's
/// sample answer, the bare id `418164`, decodes as that integer.
#[tokio::test]
async fn add_contact_sends_the_documented_fields_and_a_custom_field() {
    let server = serve_with(text(200, "418164")).await;
    let mut contact = types::AddContact::new(s("Jan"), s("De Vries"), s("jan+crm@example.be"));
    contact.salutation = Some(s("Mr."));
    contact.telephone = Some(s("+32 9 123 45 67"));
    contact.country = Some(s("BE"));
    contact.zipcode = Some(s("9000"));
    contact.city = Some(s("Gent"));
    contact.street = Some(s("Korenmarkt"));
    contact.number = Some(s("1/B"));
    contact.city_delivery = Some(s("Brugge"));
    contact.invoice_email_address = Some(s("billing@example.be"));
    contact.language = Some(s("NL"));
    contact.gender = Some(types::Gender::M);
    contact.dob = Some(UnixTime(315532800));
    contact.newsletter = Some(types::Flag::On);
    contact.add_tag_by_string = Some(s("lead,fair 2024"));
    contact.automerge_by_name = Some(types::Flag::Off);
    contact.automerge_by_email = Some(types::Flag::On);
    contact.tracking = Some(s("Imported"));
    contact
        .extra
        .insert("custom_field_12", json!("Blue & green"));

    let id = client(&server).add_contact(&contact).await.unwrap();

    let fields = concat!(
        "forename=Jan&surname=De%20Vries&email=jan%2Bcrm%40example.be",
        "&salutation=Mr.&telephone=%2B32%209%20123%2045%2067&country=BE&zipcode=9000&city=Gent",
        "&street=Korenmarkt&number=1%2FB&city_delivery=Brugge",
        "&invoice_email_address=billing%40example.be&language=NL&gender=M&dob=315532800",
        "&newsletter=1&add_tag_by_string=lead%2Cfair%202024&automerge_by_name=0",
        "&automerge_by_email=1&tracking=Imported&custom_field_12=Blue%20%26%20green",
    );
    assert_credentials_form(&single_request(&server).await, "/addContact.php", fields);
    assert_eq!(*id, 418164);
    assert_eq!(id.status().as_u16(), 200);
}

/// An endpoint known by name only (getMilestone) has a form without typed fields, as its docs
/// say; the parameters a caller puts into `extra` are sent as form fields, in the order given,
/// before the credentials, and nothing else is sent.
#[tokio::test]
async fn a_name_only_endpoint_sends_the_fields_put_into_extra() {
    let server = serve_with(json_answer(200, json!({"id": 42}))).await;
    let mut form = types::GetMilestone::default();
    form.extra.insert("milestone_id", json!(42));
    form.extra.insert("include", json!("tasks and users"));

    client(&server).get_milestone(&form).await.unwrap();

    assert_credentials_form(
        &single_request(&server).await,
        "/getMilestone.php",
        "milestone_id=42&include=tasks%20and%20users",
    );
}

/// The `Flag` switches are written as the integers 0 and 1, never as `true`/`false` (which PHP
/// would read as true), and a value the spec does not know is sent as given.
#[tokio::test]
async fn flags_are_sent_as_zero_and_one() {
    let server = serve_with(text(200, "418164")).await;
    let client = client(&server);
    for (flag, wire) in [
        (types::Flag::Off, "0"),
        (types::Flag::On, "1"),
        (types::Flag::Unknown(2), "2"),
    ] {
        let mut contact = types::AddContact::new(s("A"), s("B"), s("c"));
        contact.newsletter = Some(flag.clone());
        contact.automerge_by_name = Some(flag);
        client.add_contact(&contact).await.unwrap();
        let sent = received(&server).await.pop().unwrap();
        let fields =
            format!("forename=A&surname=B&email=c&newsletter={wire}&automerge_by_name={wire}");
        assert_credentials_form(&sent, "/addContact.php", &fields);
    }
    assert_eq!(types::Flag::from(1), types::Flag::On);
    assert_eq!(serde_json::to_value(types::Flag::Off).unwrap(), json!(0));
}

/// getContact sends `contact_id` and decodes the JSON object it answers field by field, keeping
/// every field, custom fields among them, as the server wrote it.
#[tokio::test]
async fn get_contact_decodes_the_contact_object() {
    let contact = json!({
        "id": 418164,
        "forename": "Jan",
        "surname": "De Vries",
        "email": "jan@example.be",
        "newsletter": 1,
        "custom_fields": {"12": "Blue"},
        "tags": ["lead"]
    });
    let server = serve_with(json_answer(200, contact.clone())).await;

    let answer = client(&server)
        .get_contact(&types::GetContact::new(418164))
        .await
        .unwrap();

    assert_credentials_form(
        &single_request(&server).await,
        "/getContact.php",
        "contact_id=418164",
    );
    let fields: &BTreeMap<String, Value> = &answer;
    assert_eq!(fields["id"], json!(418164));
    assert_eq!(fields["forename"].as_str(), Some("Jan"));
    assert_eq!(fields["surname"].as_str(), Some("De Vries"));
    assert_eq!(fields["newsletter"].as_i64(), Some(1));
    assert_eq!(fields["custom_fields"]["12"], "Blue");
    assert_eq!(Value::Object(fields.clone().into_iter().collect()), contact);
}

/// getFileInfo decodes the fields the files page lists into typed fields (sizes and ids as
/// integers, times as Unix timestamps), and keeps a field the page does not list.
#[tokio::test]
async fn get_file_info_decodes_typed_fields() {
    let info = json!({
        "filename": "offer.pdf",
        "filesize_bytes": 52344,
        "uploader_client_id": 12,
        "related_object_type": "project",
        "related_object_id": 7,
        "folder": "Offers",
        "date_last_edited": 1538400423,
        "date_last_edited_formatted": "01/10/2018",
        "mime": "application/pdf"
    });
    let server = serve_with(json_answer(200, info)).await;

    let file = client(&server)
        .get_file_info(&types::GetFileInfo::new(99))
        .await
        .unwrap();

    assert_credentials_form(
        &single_request(&server).await,
        "/getFileInfo.php",
        "file_id=99",
    );
    assert_eq!(file.filename.as_deref(), Some("offer.pdf"));
    assert_eq!(file.filesize_bytes, Some(52344));
    assert_eq!(file.uploader_client_id, Some(12));
    assert_eq!(file.related_object_type.as_deref(), Some("project"));
    assert_eq!(file.related_object_id, Some(7));
    assert_eq!(file.folder.as_deref(), Some("Offers"));
    assert_eq!(file.date_last_edited, Some(UnixTime(1538400423)));
    assert_eq!(
        file.date_last_edited_formatted.as_deref(),
        Some("01/10/2018")
    );
    assert_eq!(
        file.extra.to_map(),
        json!({"mime": "application/pdf"})
            .as_object()
            .unwrap()
            .clone()
    );
}

// ----------------------------------------------------------------------------------------------
// OAuth2 instead of the API group and secret

/// A session holding access token `AT`, valid for an hour, whose token URL is on `server`.
fn session(server: &MockServer, store: Arc<RecordingStore>) -> Arc<OAuthSession> {
    let config = teamleader_v1::oauth_config("client", "secret", "https://app.example/cb")
        .with_token_url(format!("{}/oauth2/access_token", server.uri()));
    let pair = TokenPair {
        access_token: "AT".into(),
        refresh_token: "RT".into(),
        expires_at: SystemTime::now() + Duration::from_secs(3600),
    };
    OAuthSession::new(config, pair, store)
}

/// A client given an OAuth2 session instead of credentials sends `Authorization: Bearer AT` and
/// a form without `api_group` and `api_secret`; a form without fields is sent empty.
#[tokio::test]
async fn oauth_client_sends_a_bearer_token_and_no_credential_fields() {
    let server = serve_with(text(200, "418164")).await;
    let store = Arc::new(RecordingStore::default());
    let client = teamleader_v1::Client::builder()
        .oauth(session(&server, store.clone()))
        .transport(|t| t.base_url(server.uri()).allow_http(true))
        .build()
        .unwrap();

    let id = client
        .add_contact(&types::AddContact::new(
            s("Jan"),
            s("De Vries"),
            s("jan@example.be"),
        ))
        .await
        .unwrap();
    let users = client.get_users(&types::GetUsers::default()).await.unwrap();

    let requests = received(&server).await;
    assert_eq!(requests.len(), 2, "{requests:?}");
    let fields = "forename=Jan&surname=De%20Vries&email=jan%40example.be";
    assert_form(&requests[0], "/addContact.php", fields);
    assert_header(&requests[0], "authorization", Some("Bearer AT"));
    assert_form(&requests[1], "/getUsers.php", "");
    assert_header(&requests[1], "authorization", Some("Bearer AT"));
    assert_eq!(*id, 418164);
    assert_eq!(
        *users,
        json!(418164),
        "a `json` answer may be a bare number"
    );
    assert!(
        store.saved.lock().unwrap().is_empty(),
        "no refresh was needed"
    );
}

/// A client needs the credentials or an OAuth2 session: with neither it does not build.
#[test]
fn a_client_without_credentials_does_not_build() {
    let err = teamleader_v1::Client::builder().build().unwrap_err();
    assert!(
        matches!(err, clientgen_runtime::BuildError::NoCredential),
        "{err:?}"
    );
}

// ----------------------------------------------------------------------------------------------
// Errors and retries

/// A 400 with a JSON `reason` is the documented error: an Api error carrying the reason, and
/// any other field the server sent. It is not retried.
#[tokio::test]
async fn bad_request_with_a_json_reason_is_an_api_error() {
    let body = json!({"reason": "email is not valid", "field": "email"});
    let server = serve_with(json_answer(400, body)).await;
    let (client, waits) = instant_retry_client(&server);

    let err = client
        .add_contact(&types::AddContact::new(s("A"), s("B"), s("not-an-email")))
        .await
        .unwrap_err();

    assert_eq!(received(&server).await.len(), 1, "a 400 is not retried");
    assert_eq!(*waits.lock().unwrap(), 0);
    let teamleader_v1::Error::Api(api) = &err else {
        panic!("an Api error expected, got {err:?}")
    };
    assert_eq!(api.body.reason, "email is not valid");
    assert_eq!(api.body.extra.value("field"), Some(json!("email")));
    assert_eq!(err.status().map(|s| s.as_u16()), Some(400));
    assert_eq!(
        err.api().map(|b| b.reason.as_str()),
        Some("email is not valid")
    );
}

/// A 400 whose reason is plain text (not the JSON the Ruby peer reads), or JSON without
/// `reason`, is an unexpected status that keeps the body as it came.
#[tokio::test]
async fn bad_request_with_a_plain_text_reason_keeps_the_text() {
    let server = serve_with(text(400, "contact_id is missing")).await;

    let err = client(&server)
        .get_contact(&types::GetContact::new(1))
        .await
        .unwrap_err();

    assert_eq!(received(&server).await.len(), 1);
    let teamleader_v1::Error::UnexpectedStatus(unexpected) = &err else {
        panic!("UnexpectedStatus expected, got {err:?}")
    };
    assert_eq!(unexpected.response.status.as_u16(), 400);
    assert_eq!(&unexpected.response.body[..], b"contact_id is missing");
    assert!(err.api().is_none());

    let server = serve_with(json_answer(400, json!({"error": "no reason"}))).await;
    let err = client(&server)
        .get_contact(&types::GetContact::new(1))
        .await
        .unwrap_err();
    let teamleader_v1::Error::UnexpectedStatus(unexpected) = &err else {
        panic!("UnexpectedStatus expected, got {err:?}")
    };
    assert_eq!(&unexpected.response.body[..], br#"{"error":"no reason"}"#);
}

/// A 505 with an empty body (the rate limit: the request was not carried out) is retried even
/// for a write, and the call succeeds with the next reply; the form is sent again unchanged.
#[tokio::test]
async fn rate_limit_505_is_retried_for_a_write() {
    let server = MockServer::start().await;
    Mock::given(any())
        .respond_with(ResponseTemplate::new(505))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(any())
        .respond_with(text(200, "418164"))
        .mount(&server)
        .await;
    let (client, waits) = instant_retry_client(&server);

    let id = client
        .add_contact(&types::AddContact::new(
            s("Jan"),
            s("Peeters"),
            s("jan@example.be"),
        ))
        .await
        .unwrap();

    assert_eq!(*id, 418164);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2, "one 505, one success: {requests:?}");
    let fields = "forename=Jan&surname=Peeters&email=jan%40example.be";
    for req in &requests {
        assert_credentials_form(req, "/addContact.php", fields);
    }
    assert_eq!(*waits.lock().unwrap(), 1);
}

/// A 505 on every attempt gives up after the policy's 5 attempts, as an unexpected status 505.
#[tokio::test]
async fn rate_limit_505_gives_up_after_five_attempts() {
    let server = serve_with(ResponseTemplate::new(505)).await;
    let (client, waits) = instant_retry_client(&server);

    let err = client
        .get_contact(&types::GetContact::new(1))
        .await
        .unwrap_err();

    assert_eq!(received(&server).await.len(), 5);
    assert_eq!(*waits.lock().unwrap(), 4);
    assert!(
        matches!(err, teamleader_v1::Error::UnexpectedStatus(_)),
        "{err:?}"
    );
    assert_eq!(err.status().map(|s| s.as_u16()), Some(505));
}

/// A gateway's 503 is retried for a read (marked idempotent), never for a write, which may have
/// been carried out.
#[tokio::test]
async fn gateway_errors_are_retried_for_reads_only() {
    let server = MockServer::start().await;
    Mock::given(body_string_contains("contact_id"))
        .respond_with(ResponseTemplate::new(503))
        .up_to_n_times(1)
        .mount(&server)
        .await;
    Mock::given(body_string_contains("contact_id"))
        .respond_with(json_answer(200, json!({"id": 1})))
        .mount(&server)
        .await;
    Mock::given(body_string_contains("forename"))
        .respond_with(ResponseTemplate::new(503))
        .mount(&server)
        .await;
    let (client, _) = instant_retry_client(&server);

    let read = client
        .get_contact(&types::GetContact::new(1))
        .await
        .unwrap();
    assert_eq!(read["id"], 1);
    let write = client
        .add_contact(&types::AddContact::new(s("A"), s("B"), s("c")))
        .await
        .unwrap_err();
    assert_eq!(write.status().map(|s| s.as_u16()), Some(503));

    let paths: Vec<String> = received(&server)
        .await
        .iter()
        .map(|r| r.url.path().to_owned())
        .collect();
    assert_eq!(
        paths,
        ["/getContact.php", "/getContact.php", "/addContact.php"]
    );
}

// ----------------------------------------------------------------------------------------------
// Paging

/// A server that answers getContacts page N (matched on `pageno=N` in the form) with
/// `pages[N]`, as JSON arrays of `{"id": ...}`.
async fn paged_server(pages: &[&[i64]]) -> MockServer {
    let server = MockServer::start().await;
    for (number, ids) in pages.iter().enumerate() {
        let items: Vec<Value> = ids.iter().map(|id| json!({"id": id})).collect();
        Mock::given(body_string_contains(format!("&pageno={number}&").as_str()))
            .respond_with(json_answer(200, Value::Array(items)))
            .mount(&server)
            .await;
    }
    server
}

/// `get_contacts().stream()` with `amount=2` reads page 0, 1 and 2 in order (pages count from
/// 0), each once, sends `amount` and the filter with every page, and stops after the short last
/// page.
#[tokio::test]
async fn stream_reads_zero_based_pages_until_a_short_one() {
    let server = paged_server(&[&[1, 2], &[3, 4], &[5]]).await;
    let form = types::GetContacts {
        amount: Some(2),
        searchby: Some(s("jan")),
        ..Default::default()
    };

    let client = client(&server);
    let contacts: Vec<Value> = client
        .get_contacts(&form)
        .stream()
        .map(|item| item.expect("every page decodes"))
        .collect()
        .await;

    let ids: Vec<i64> = contacts.iter().map(|c| c["id"].as_i64().unwrap()).collect();
    assert_eq!(ids, [1, 2, 3, 4, 5]);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3, "{requests:?}");
    for (number, req) in requests.iter().enumerate() {
        let fields = format!("amount=2&pageno={number}&searchby=jan");
        assert_credentials_form(req, "/getContacts.php", &fields);
    }
}

/// getNotes pages with `pageno` but without `amount`, so its stream reads until an empty page:
/// pages 0, 1 and the empty page 2, and nothing after it.
#[tokio::test]
async fn notes_stream_stops_at_an_empty_page() {
    let server = paged_server(&[&[1, 2], &[3], &[]]).await;

    let client = client(&server);
    let notes: Vec<Value> = client
        .get_notes(&types::GetNotes::new(s("contact"), 418164))
        .stream()
        .map(|item| item.expect("every page decodes"))
        .collect()
        .await;

    assert_eq!(
        notes,
        [json!({"id": 1}), json!({"id": 2}), json!({"id": 3})]
    );
    let requests = received(&server).await;
    assert_eq!(requests.len(), 3, "{requests:?}");
    for (number, req) in requests.iter().enumerate() {
        let fields = format!("object_type=contact&object_id=418164&pageno={number}");
        assert_credentials_form(req, "/getNotes.php", &fields);
    }
}

/// getProjects' page marks `amount` and `pageno` required, so both are arguments of the form:
/// the stream starts at the `pageno` given (here 1, skipping page 0), sets it for each page
/// after, reads `amount` (2) to tell the last page, and stops after the short page 2.
#[tokio::test]
async fn stream_with_required_page_fields_starts_at_the_page_given() {
    let server = paged_server(&[&[9, 9], &[1, 2], &[3]]).await;
    let form = types::GetProjects {
        searchby: Some(s("web")),
        ..types::GetProjects::new(2, 1)
    };

    let client = client(&server);
    let projects: Vec<types::ProjectSummary> = tokio::time::timeout(
        Duration::from_secs(10),
        client
            .get_projects(&form)
            .stream()
            .map(|item| item.expect("every page decodes"))
            .collect(),
    )
    .await
    .expect("the stream ends");

    let ids: Vec<Option<i64>> = projects.iter().map(|p| p.id).collect();
    assert_eq!(ids, [Some(1), Some(2), Some(3)]);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2, "{requests:?}");
    for (req, number) in requests.iter().zip([1, 2]) {
        let fields = format!("amount=2&pageno={number}&searchby=web");
        assert_credentials_form(req, "/getProjects.php", &fields);
    }
    assert_eq!(form.pageno, 1, "the caller's form is not changed");
}

// ----------------------------------------------------------------------------------------------
// Ticket client

/// addTicket names the client by `client_email` and `client_name`, or by `contact_or_company`
/// and its id (note `ticket-client`). A form with neither pair complete is refused before
/// anything is sent, naming both ways; either pair alone is sent as it is.
#[tokio::test]
async fn add_ticket_needs_one_of_the_two_client_pairs() {
    let server = serve_with(text(200, "41664")).await;
    let client = client(&server);

    let nobody = types::AddTicket::new(s("Broken"));
    let half = types::AddTicket {
        client_email: Some(s("E")),
        contact_or_company: Some(types::ContactOrCompany::Contact),
        ..nobody.clone()
    };
    for form in [&nobody, &half] {
        let err = client.add_ticket(form).await.unwrap_err();
        let teamleader_v1::Error::InvalidRequest(invalid) = &err else {
            panic!("InvalidRequest expected, got {err:?}")
        };
        assert_eq!(
            invalid.reason,
            "the body must set `client_email` and `client_name`, or `contact_or_company` and \
             `contact_or_company_id`"
        );
    }
    assert!(received(&server).await.is_empty(), "nothing is sent");

    let by_email = types::AddTicket {
        client_email: Some(s("E")),
        client_name: Some(s("N")),
        ..nobody.clone()
    };
    assert_eq!(*client.add_ticket(&by_email).await.unwrap(), 41664);
    let by_contact = types::AddTicket {
        contact_or_company: Some(types::ContactOrCompany::Company),
        contact_or_company_id: Some(7),
        ..nobody.clone()
    };
    assert_eq!(*client.add_ticket(&by_contact).await.unwrap(), 41664);
    let requests = received(&server).await;
    assert_eq!(requests.len(), 2);
    assert_credentials_form(
        &requests[0],
        "/addTicket.php",
        "client_email=E&client_name=N&subject=Broken",
    );
    assert_credentials_form(
        &requests[1],
        "/addTicket.php",
        "subject=Broken&contact_or_company=company&contact_or_company_id=7",
    );
}

// ----------------------------------------------------------------------------------------------
// Plain-text answers

/// A bare id decodes with surrounding whitespace (a trailing newline); an answer that is not a
/// number is a decode error that keeps the raw body, so the caller can read what came back.
#[tokio::test]
async fn bare_id_answers_decode_or_keep_the_raw_body() {
    let server = serve_with(text(200, "418164\n")).await;
    let form = types::AddProduct::new(s("Chair"), dec("49.99"));
    let id = client(&server).add_product(&form).await.unwrap();
    assert_eq!(*id, 418164);

    let server = serve_with(text(200, "Product could not be added")).await;
    let err = client(&server).add_product(&form).await.unwrap_err();
    let teamleader_v1::Error::Decode(decode) = &err else {
        panic!("a decode error expected, got {err:?}")
    };
    assert_eq!(&decode.response.body[..], b"Product could not be added");
    assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
}

/// getFiles answers "either an error message or a list of files": the message in place of the
/// list is a decode error keeping the message, not an empty list.
#[tokio::test]
async fn get_files_error_message_is_not_an_empty_list() {
    let server = serve_with(json_answer(200, json!({"errors": ["object not found"]}))).await;

    let err = client(&server)
        .get_files(&types::GetFiles::new(
            100,
            0,
            types::FileObjectType::Ticket,
            5,
        ))
        .await
        .unwrap_err();

    assert!(matches!(err, teamleader_v1::Error::Decode(_)), "{err:?}");
    let body = &err.response().unwrap().body;
    assert_eq!(&body[..], br#"{"errors":["object not found"]}"#);
}

// ----------------------------------------------------------------------------------------------
// "Success or failure" answers

/// updateProduct, addMeeting, updateMeeting and addContactToMeeting answer 200 with "a JSON
/// array indicating success or failure" (note `errors-in-success-bodies`). A body without an
/// `errors` key is the value; an object with one is an `Err` for each of the four: the
/// documented error when it also has a `reason`, an unexpected status keeping the raw body
/// otherwise. Neither failure is retried.
#[tokio::test]
async fn success_or_failure_answers_with_errors_are_errors() {
    macro_rules! check {
        ($op:ident($body:expr) => $path:literal) => {{
            let body = $body;
            // Success: whatever JSON the server sends, `errors` absent.
            let success = json!({"success": true, "id": 4});
            let server = serve_with(json_answer(200, success.clone())).await;
            let value = client(&server).$op(&body).await.unwrap_or_else(|e| {
                panic!("{}: a body without `errors` is success: {e:?}", stringify!($op))
            });
            assert_eq!(value.into_inner(), success, "{}", stringify!($op));
            assert_eq!(single_request(&server).await.url.path(), $path);
            // An array holds no key: success too.
            let server = serve_with(json_answer(200, json!(["errors"]))).await;
            let value = client(&server).$op(&body).await.expect("an array is success");
            assert_eq!(value.into_inner(), json!(["errors"]));

            // Failure without the documented `reason`: the raw body is kept.
            let failure = br#"{"errors":["meeting not found"]}"#;
            let server = serve_with(
                ResponseTemplate::new(200).set_body_raw(failure.to_vec(), "application/json"),
            )
            .await;
            let (retrying, waits) = instant_retry_client(&server);
            let err = retrying.$op(&body).await.unwrap_err();
            let teamleader_v1::Error::UnexpectedStatus(unexpected) = &err else {
                panic!("{}: UnexpectedStatus expected, got {err:?}", stringify!($op))
            };
            assert_eq!(unexpected.response.status.as_u16(), 200);
            assert_eq!(&unexpected.response.body[..], &failure[..]);
            assert!(err.to_string().contains("meeting not found"), "{err}");
            assert_eq!(received(&server).await.len(), 1, "not retried");
            assert_eq!(*waits.lock().unwrap(), 0);

            // Failure in the documented error shape: an Api error with the reason. `errors`
            // counts whatever its value, `null` included.
            let server =
                serve_with(json_answer(200, json!({"reason": "no such id", "errors": null}))).await;
            let err = client(&server).$op(&body).await.unwrap_err();
            assert_eq!(err.api().map(|b| b.reason.as_str()), Some("no such id"), "{err:?}");
            assert_eq!(err.status().map(|s| s.as_u16()), Some(200));
        }};
    }
    check!(update_product(types::UpdateProduct::new(1)) => "/updateProduct.php");
    check!(add_meeting(types::AddMeeting::new(
        UnixTime(1538400423),
        2,
        s("Kick-off"),
        s("Plan"),
        60
    )) => "/addMeeting.php");
    check!(update_meeting(types::UpdateMeeting::new(3)) => "/updateMeeting.php");
    check!(add_contact_to_meeting(types::AddContactToMeeting::new(3, 4))
        => "/addContactToMeeting.php");
}
