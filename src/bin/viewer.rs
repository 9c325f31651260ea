fn main() {
    gosf_site::start_viewer();
}
