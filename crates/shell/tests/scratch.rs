mod common;
#[test]
fn scratch() {
    let mut sh = common::new_shell();
    let input = std::fs::read_to_string("/tmp/scratch.txt").unwrap();
    print!("{}", common::transcript(&mut sh, &input));
}
