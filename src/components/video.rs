//! Click-to-load video: until the visitor asks, nothing is requested from the video host.

use leptos::either::Either;
use leptos::prelude::*;
use site::Video;

use crate::components::load_button::LoadButton;

#[component]
pub fn VideoEmbed(video: &'static Video, title: String, original_recap: String) -> impl IntoView {
    let loaded = RwSignal::new(false);
    match video {
        Video::None { note } => Either::Left(view! {
            <div class="video video-none" data-testid="video-unavailable">
                <p>
                    <strong>"No video to show. "</strong>
                    {note.clone().unwrap_or_else(|| "We do not know of a public recording of this talk.".to_string())}
                </p>
                <p><a href=original_recap>"See the original recap of the evening"</a></p>
            </div>
        }),
        _ => {
            let src = video.embed_url().unwrap_or_default();
            let provider = video.provider_label();
            let is_file = matches!(video, Video::File { .. });
            let frame_title = format!("Video: {title}");
            Either::Right(view! {
                <div class="video" data-testid="video">
                    <Show
                        when=move || loaded.get()
                        fallback=move || view! {
                            <LoadButton testid="video-load" icon="▶" label="Play video" provider loaded/>
                        }
                    >
                        {
                            let src = src.clone();
                            let frame_title = frame_title.clone();
                            if is_file {
                                Either::Left(view! { <video controls autoplay src=src title=frame_title></video> })
                            } else {
                                Either::Right(view! {
                                    <iframe
                                        src=src
                                        title=frame_title
                                        allow="autoplay; encrypted-media; picture-in-picture; fullscreen"
                                        // The player needs its scripts and its own origin's storage; popups
                                        // let "Watch on YouTube" open a tab. Nothing else: no top
                                        // navigation, no forms.
                                        sandbox="allow-scripts allow-same-origin allow-presentation allow-popups"
                                        referrerpolicy="strict-origin-when-cross-origin"
                                        allowfullscreen=true
                                    ></iframe>
                                })
                            }
                        }
                    </Show>
                </div>
            })
        }
    }
}
