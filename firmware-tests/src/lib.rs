//! The std conformance suite for the Xous target (filled in by the firmware-tests issue).
