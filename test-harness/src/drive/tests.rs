use super::*;

const T: Duration = Duration::from_secs(3);

fn ending(state: State) -> Option<Ending> {
    match state {
        State::Done(e) => Some(e),
        _ => None,
    }
}

#[test]
fn the_clock_starts_when_the_machine_starts() {
    let starting = State::Starting {
        allowance_end: Instant::now() + Duration::from_secs(60),
    };
    // Start-up output is no reason to start the clock; Renode's "Machine started" is.
    let state = starting.on_line("Loaded monitor commands", Signal::Nothing, T);
    assert!(matches!(state, State::Starting { .. }));
    let before = Instant::now();
    let state = state.on_line("machine-0: Machine started.", Signal::MachineStarted, T);
    let State::Running { deadline } = state else {
        panic!("not running")
    };
    assert!(deadline >= before + T);
    // So is the first console byte.
    let state = State::Starting {
        allowance_end: Instant::now() + Duration::from_secs(60),
    };
    assert!(matches!(state.on_console(T, false), State::Running { .. }));
}

#[test]
fn the_clock_starts_anyway_after_the_allowance() {
    let end = Instant::now();
    let state = State::Starting { allowance_end: end }.on_alarm(end, T);
    let State::Running { deadline } = state else {
        panic!("not running")
    };
    assert_eq!(deadline, end + T);
    assert_eq!(
        ending(State::Running { deadline }.on_alarm(deadline, T)),
        Some(Ending::TimedOut)
    );
    // Not before its time.
    let early = State::Running { deadline }.on_alarm(end, T);
    assert!(matches!(early, State::Running { .. }));
}

#[test]
fn an_error_line_fails_the_run_with_the_lines_that_follow() {
    let state = State::Running {
        deadline: Instant::now() + T,
    };
    let state = state.on_line("There was an error executing command 'x'", Signal::Error, T);
    let State::Failing { until, .. } = state else {
        panic!("not failing")
    };
    let state = state.on_line("Error E35: Constructor attribute", Signal::Error, T);
    let state = state.on_console(T, false);
    assert_eq!(
        ending(state.on_alarm(until, T)),
        Some(Ending::EmulatorError(
            "There was an error executing command 'x'\nError E35: Constructor attribute".into()
        ))
    );
    // Also when the emulator leaves first.
    let state = State::Starting {
        allowance_end: Instant::now() + T,
    }
    .on_line("Error E12: whatever", Signal::Error, T);
    assert_eq!(
        ending(state.on_emulator_gone()),
        Some(Ending::EmulatorError("Error E12: whatever".into()))
    );
}

#[test]
fn the_exit_record_or_the_emulator_leaving_ends_the_run() {
    let running = || State::Running {
        deadline: Instant::now() + T,
    };
    assert_eq!(ending(running().on_console(T, true)), Some(Ending::Record));
    assert!(ending(running().on_console(T, false)).is_none());
    assert_eq!(
        ending(running().on_emulator_gone()),
        Some(Ending::EmulatorGone)
    );
    assert_eq!(
        ending(State::Done(Ending::Record).on_emulator_gone()),
        Some(Ending::Record)
    );
}
