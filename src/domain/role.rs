//! Who may do what. Administrator is global; the other roles hold per programme.

use serde::{Deserialize, Serialize};

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "lowercase")]
pub enum ProgrammeRole {
    Manager,
    Reviewer,
    Coach,
    Participant,
}

impl ProgrammeRole {
    pub const ALL: [ProgrammeRole; 4] =
        [ProgrammeRole::Manager, ProgrammeRole::Reviewer, ProgrammeRole::Coach, ProgrammeRole::Participant];

    pub fn code(self) -> &'static str {
        match self {
            ProgrammeRole::Manager => "manager",
            ProgrammeRole::Reviewer => "reviewer",
            ProgrammeRole::Coach => "coach",
            ProgrammeRole::Participant => "participant",
        }
    }

    pub fn parse(code: &str) -> Option<ProgrammeRole> {
        Self::ALL.into_iter().find(|r| r.code() == code)
    }

    pub fn label_key(self) -> &'static str {
        match self {
            ProgrammeRole::Manager => "role.manager",
            ProgrammeRole::Reviewer => "role.reviewer",
            ProgrammeRole::Coach => "role.coach",
            ProgrammeRole::Participant => "role.participant",
        }
    }
}

/// What a signed-in person is, globally.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum GlobalRole {
    Administrator,
    Member,
}

/// Whether someone may manage a programme: administrators manage all of them, managers
/// their own. One rule, used by pages and API alike.
pub fn can_manage_programme(global: GlobalRole, roles_in_programme: &[ProgrammeRole]) -> bool {
    global == GlobalRole::Administrator || roles_in_programme.contains(&ProgrammeRole::Manager)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roles() {
        for r in ProgrammeRole::ALL {
            assert_eq!(ProgrammeRole::parse(r.code()), Some(r));
        }
        assert!(can_manage_programme(GlobalRole::Administrator, &[]));
        assert!(can_manage_programme(GlobalRole::Member, &[ProgrammeRole::Manager]));
        assert!(!can_manage_programme(GlobalRole::Member, &[ProgrammeRole::Coach, ProgrammeRole::Participant]));
    }
}
