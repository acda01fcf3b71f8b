//! End-to-end tests of the lancelot binary in real git repositories.

// Test helpers are `pub` for the modules of this one test binary, and a failed
// unwrap is how a test helper reports a broken fixture.
#![allow(unreachable_pub, clippy::unwrap_used, clippy::expect_used)]

mod action;
mod adoption;
mod baseline;
mod blobs;
mod branches;
mod check;
mod concurrency;
mod faults;
mod hook_limits;
mod hook_managers;
mod hostile;
mod index;
mod init;
mod lifecycle;
mod mcp;
mod new_slice;
mod objects;
mod overrides;
mod parallel;
mod push;
mod release;
mod rewrite;
mod sandbox;
mod sha256;
mod shell;
mod snapshots;
mod spoofing;
mod support;
mod terminal;
mod wizard;
