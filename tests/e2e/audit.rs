//! The audit trail (issue 15) in the real window: a wrong passphrase at the gate, the sign-in,
//! a search, a review opened and an export are each recorded in the user's name; the clinical
//! director sees them in Settings, filters by kind, and exports the rows as CSV.

use crate::review::add_demo;
use holdspace_e2e::{open_store, App, Gate, TEST_USER};
use holdspace_core::audit::AuditFilter;

#[tokio::test(flavor = "multi_thread")]
async fn each_access_is_audited_and_the_director_filters_and_exports_the_log() {
    let tmp = tempfile::tempdir().unwrap();
    let data = tmp.path().join("data");
    let id = add_demo(&data);
    let app = App::launch_at_gate(&data).await;
    assert_eq!(app.settled_gate().await, Gate::SignIn);
    // A wrong passphrase first: the record is not open yet, so the row waits for the sign-in.
    app.sign_in("not the passphrase at all").await;
    app.el("sign-in-error").await;
    app.set_value("sign-in-passphrase", "").await;
    app.pass_gate().await;

    app.click("open-sessions").await;
    app.click("search-include-demo").await;
    app.type_into("search-query", "grandmother").await;
    app.keys("\u{E007}").await;
    app.el("search-hit").await;
    app.click(&format!("open-{id}")).await;
    app.el("review-screen").await;
    let out = tmp.path().join("out");
    std::fs::create_dir(&out).unwrap();
    let r = app.invoke("export_session", serde_json::json!({ "sessionId": id, "format": "csv", "outDir": out.to_str().unwrap() })).await;
    let exported = r.as_str().unwrap_or_else(|| panic!("export_session: {r}")).to_string();
    app.click("review-back").await;
    app.click("sessions-back").await;
    app.click("open-settings").await;

    // The clinic profile: a malformed e-mail is named with the person; fixed, it saves.
    app.type_into("clinic-name", "Riverside Clinic").await;
    app.type_into("clinic-phone", "+1 555 010 2030").await;
    app.click("clinic-add-person").await;
    app.type_into("person-name-0", "Dr Ada Lane").await;
    app.select("person-role-0", "prescriber").await;
    app.type_into("person-email-0", "ada@riverside").await;
    app.click("clinic-save").await;
    let error = app.text("clinic-error").await;
    assert_eq!(error, "e-mail: Dr Ada Lane (person 1): \"ada@riverside\" is not an e-mail address (like name@clinic.org)");
    app.type_into("person-email-0", "ada@riverside.org").await;
    app.click("clinic-save").await;
    app.wait_for("the profile saved", || async { app.text("clinic-status").await.starts_with("Saved").then_some(()) }).await;
    app.client.execute("document.querySelector(\"[data-testid='clinic-settings']\").scrollIntoView()", vec![]).await.unwrap();
    app.screenshots("clinic-settings").await;

    app.el("audit-table").await;
    let seen = audit_actions(&app).await;
    for want in ["sign_in_failed", "sign_in", "search", "review_opened", "export"] {
        assert!(seen.iter().any(|a| a == want), "{want} missing from the audit screen: {seen:?}");
    }
    app.client.execute("document.querySelector(\"[data-testid='audit-log']\").scrollIntoView()", vec![]).await.unwrap();
    app.screenshots("audit-log").await;

    // Filtered by kind: only the search, with the words searched for.
    app.select("audit-action", "search").await;
    app.click("audit-apply").await;
    app.wait_for("only search rows", || async {
        let a = audit_actions(&app).await;
        (!a.is_empty() && a.iter().all(|x| x == "search")).then_some(())
    })
    .await;
    let text = app.text("audit-table").await;
    assert!(text.contains("\"grandmother\"") && text.contains(TEST_USER), "{text}");

    // Exported as CSV into a new file; the export is itself audited.
    app.set_value("audit-out", out.to_str().unwrap()).await;
    app.click("audit-export").await;
    let status = app.text("audit-export-status").await;
    let path = status.strip_prefix("Saved ").unwrap_or_else(|| panic!("{status}")).to_string();
    let csv = std::fs::read_to_string(&path).unwrap();
    let mut lines = csv.lines();
    assert_eq!(lines.next(), Some("id,at_utc,user,action,action_label,session_id,detail"));
    let rows: Vec<&str> = lines.collect();
    assert!(!rows.is_empty() && rows.iter().all(|l| l.contains(",search,Searched,")), "{csv}");
    app.quit().await;

    // What the file holds: the export's row names the file with its size and SHA-256, the
    // failed sign-in is in the user's name, and the chain over the log is whole.
    let store = open_store(&data);
    let all = store.audit_log(&AuditFilter::default()).unwrap();
    let export = all.iter().find(|r| r.action == "export").expect("the export row");
    let (size, sha) = holdspace_core::files::size_and_sha256(std::path::Path::new(&exported)).unwrap();
    assert_eq!(export.detail, format!("CSV to {exported} ({size} bytes, SHA-256 {sha})"));
    assert_eq!(export.session_id, Some(id));
    let failed = all.iter().find(|r| r.action == "sign_in_failed").expect("the failed sign-in");
    assert_eq!(failed.user_name, TEST_USER);
    assert!(all.iter().any(|r| r.action == "audit_export"));
    assert!(store.verify_access_log().unwrap().broken.is_none());
    let clinic = store.clinic_profile().unwrap();
    assert_eq!((clinic.setting_name.as_str(), clinic.people[0].email.as_str()), ("Riverside Clinic", "ada@riverside.org"));
}

/// The kinds of the rows the audit screen shows, top to bottom.
async fn audit_actions(app: &App) -> Vec<String> {
    let mut v = Vec::new();
    for row in app.client.find_all(fantoccini::Locator::Css("[data-testid='audit-row']")).await.unwrap_or_default() {
        v.push(row.attr("data-action").await.ok().flatten().unwrap_or_default());
    }
    v
}
