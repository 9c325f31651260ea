fn main() {
    gosf_site::start();
}
