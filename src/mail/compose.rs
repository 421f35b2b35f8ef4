//! The messages Tremplin sends, in the recipient's language.

use crate::i18n::I18n;

pub struct Composed {
    pub subject: String,
    pub body: String,
}

pub fn confirm_address(i: I18n, name: &str, link: &str) -> Composed {
    Composed {
        subject: i.t("mail.confirm.subject").to_owned(),
        body: i.tf("mail.confirm.body", &[("name", name), ("link", link)]),
    }
}

pub fn reset_password(i: I18n, name: &str, link: &str, expires: &str) -> Composed {
    Composed {
        subject: i.t("mail.reset.subject").to_owned(),
        body: i.tf("mail.reset.body", &[("name", name), ("link", link), ("expires", expires)]),
    }
}

pub fn password_changed(i: I18n, name: &str, when: &str) -> Composed {
    Composed {
        subject: i.t("mail.password_changed.subject").to_owned(),
        body: i.tf("mail.password_changed.body", &[("name", name), ("when", when)]),
    }
}

pub fn grade_released(i: I18n, name: &str, exercise: &str, score: &str, link: &str) -> Composed {
    Composed {
        subject: i.tf1("mail.grade_released.subject", "exercise", exercise),
        body: i.tf(
            "mail.grade_released.body",
            &[("name", name), ("exercise", exercise), ("score", score), ("link", link)],
        ),
    }
}
