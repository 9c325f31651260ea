pub mod home;
pub mod not_found;
pub mod talk;
pub mod viewer;
