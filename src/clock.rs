//! The current date and time, in one place so output can be made reproducible.
//!
//! `SOURCE_DATE_EPOCH` (seconds since 1970, the reproducible-builds convention) fixes
//! the clock; otherwise the system clock in the local time zone is used.

use jiff::{Timestamp, ZonedDateTime, tz::TimeZone};

/// The current time, honouring `SOURCE_DATE_EPOCH`.
pub fn now() -> ZonedDateTime {
    let fixed = std::env::var("SOURCE_DATE_EPOCH")
        .ok()
        .and_then(|seconds| seconds.trim().parse::<i64>().ok())
        .and_then(|seconds| Timestamp::from_second(seconds).ok());
    match fixed {
        Some(timestamp) => timestamp.to_zoned_datetime(TimeZone::UTC),
        None => ZonedDateTime::now(),
    }
}

/// Today's date as `YYYY-MM-DD`.
pub fn today() -> String {
    now().date().to_string()
}
