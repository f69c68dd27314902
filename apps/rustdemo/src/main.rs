//! rustdemo: what a Rust program sees of its start and its folder, with the
//! standard library only: its arguments and environment (std::env), the
//! time (std::time), and, given a folder, a file written, read back and
//! listed there (std::fs).
use std::time::{Instant, SystemTime, UNIX_EPOCH};
use std::{env, fs, process};

fn main() {
    let args: Vec<String> = env::args().collect();
    println!("rustdemo: {} arguments: {:?}", args.len(), args);
    let mut vars: Vec<(String, String)> = env::vars().collect();
    vars.sort();
    for (k, v) in &vars {
        println!("rustdemo: env {}={}", k, v);
    }
    let since = SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_secs()).unwrap_or(0);
    println!("rustdemo: {} s since 1970", since);
    let start = Instant::now();
    let mut x: u64 = 1;
    for i in 0..1_000_000u64 {
        x = x.wrapping_mul(6364136223846793005).wrapping_add(i);
    }
    println!("rustdemo: computed {:x} in {} us", x, start.elapsed().as_micros());
    if let Some(dir) = args.get(1) {
        let path = format!("{}/rustdemo.txt", dir);
        if let Err(e) = fs::write(&path, "written by Rust\n") {
            eprintln!("rustdemo: cannot write {}: {}", path, e);
            process::exit(1);
        }
        match fs::read_to_string(&path) {
            Ok(s) => print!("rustdemo: read back: {}", s),
            Err(e) => {
                eprintln!("rustdemo: cannot read {}: {}", path, e);
                process::exit(1);
            }
        }
        let mut names: Vec<String> = fs::read_dir(dir)
            .map(|rd| rd.filter_map(|e| e.ok()).map(|e| e.file_name().to_string_lossy().into_owned()).collect())
            .unwrap_or_default();
        names.sort();
        println!("rustdemo: in {}: {}", dir, names.join(" "));
        let _ = fs::remove_file(&path);
    }
}
