pub mod load_button;
pub mod slides;
pub mod talk_card;
pub mod theme_toggle;
pub mod update_notice;
pub mod video;
