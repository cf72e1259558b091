//! Runs firmware for the Xous target under emulation (filled in by the test-harness issue).
