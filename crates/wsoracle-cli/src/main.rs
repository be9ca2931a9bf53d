fn main() {
    println!("no scenarios yet");
}
