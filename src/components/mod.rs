pub mod slides;
pub mod talk_card;
pub mod theme_toggle;
pub mod video;
