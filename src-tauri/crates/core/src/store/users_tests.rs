use super::*;
use crate::clock::FakeClock;

fn store() -> Store {
    Store::open_in_memory(Arc::new(FakeClock::at_nine())).unwrap()
}

#[test]
fn users_are_added_listed_and_deactivated_never_deleted() {
    let s = store();
    let dir = s.add_user(&NewUser { name: " Dr Ada Lane ".into(), role: Role::ClinicalDirector }, None).unwrap();
    assert_eq!(dir.name, "Dr Ada Lane");
    let t = s.add_user(&NewUser { name: "Sam Reyes".into(), role: Role::Therapist }, Some(dir.id)).unwrap();
    let dup = s.add_user(&NewUser { name: "sam reyes".into(), role: Role::Prescriber }, Some(dir.id)).unwrap_err();
    assert!(dup.to_string().contains("already has an account"), "{dup}");
    let gone = s.deactivate_user(t.id, dir.id).unwrap();
    assert!(!gone.active);
    assert_eq!(s.users().unwrap().len(), 2, "a deactivated user is kept");
    let last = s.deactivate_user(dir.id, dir.id).unwrap_err();
    assert!(last.to_string().contains("only active clinical director"), "{last}");
}

#[test]
fn names_with_control_characters_or_nothing_in_them_are_refused() {
    let s = store();
    for bad in ["", "   ", "A\u{1b}[31m", "B\u{202E}x", "C\0"] {
        assert!(s.add_user(&NewUser { name: bad.into(), role: Role::Therapist }, None).is_err(), "{bad:?}");
    }
}

#[test]
fn an_export_is_logged_as_an_access_and_the_log_cannot_be_changed() {
    let s = store();
    let (session, _) = s
        .start_session(crate::NewSession {
            client_code: "K-1".into(),
            therapist: "Dr Ada Lane".into(),
            route: crate::Route::Intramuscular,
            protocol: "im-ketamine".into(),
            intention: String::new(),
        })
        .unwrap();
    s.log_access("Dr Ada Lane", "export", Some(session.id), "PDF to /home/ada/Documents/K-1.pdf").unwrap();
    let log = s.accesses(session.id).unwrap();
    assert_eq!(log.len(), 1);
    assert_eq!(log[0].detail, "PDF to /home/ada/Documents/K-1.pdf");
    let conn = s.conn();
    assert!(conn.execute("DELETE FROM access_log", []).is_err());
    assert!(conn.execute("UPDATE access_log SET detail = 'x'", []).is_err());
}
