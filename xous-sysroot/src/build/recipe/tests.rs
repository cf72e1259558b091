use super::*;

/// The fork's job, written out as its workflow states it.
const FORK_FEATURES: &str = "panic-unwind compiler-builtins-c compiler-builtins-mem";
const FORK_RUSTFLAGS: &str =
    "-Cforce-unwind-tables=yes -Cembed-bitcode=yes -Zforce-unstable-if-unmarked";

#[test]
fn official_recipe_is_the_forks_job() {
    let features = features(true, &[]);
    assert_eq!(features.join(" "), FORK_FEATURES);
    let recipe = CargoRecipe::of(Profile::Official, &features, true);
    assert_eq!(
        recipe.args,
        [
            "--release",
            "-Zbinary-dep-depinfo",
            "--features",
            FORK_FEATURES
        ]
    );
    assert_eq!(recipe.rustflags.join(" "), FORK_RUSTFLAGS);
    let env: Vec<(&str, &str)> = recipe
        .env
        .iter()
        .map(|(k, v)| (k.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        env,
        [
            ("CARGO_PROFILE_RELEASE_DEBUG", "0"),
            ("CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS", "false"),
            ("CARGO_PROFILE_RELEASE_OPT_LEVEL", "3"),
            ("RUSTC_BOOTSTRAP", "1"),
            ("__CARGO_DEFAULT_LIB_METADATA", "stablestd"),
        ]
    );
}

#[test]
fn debug_assertions_recipe_differs_only_in_debug_assertions() {
    let features = features(false, &[]);
    let official = CargoRecipe::of(Profile::Official, &features, false);
    let mut debug = CargoRecipe::of(Profile::DebugAssertions, &features, false);
    assert_eq!(debug.env["CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS"], "true");
    debug.env.insert(
        "CARGO_PROFILE_RELEASE_DEBUG_ASSERTIONS".into(),
        "false".into(),
    );
    assert_eq!(debug, official);
}

#[test]
fn features_without_c_keep_the_forks_order_and_add_extras_once() {
    assert_eq!(
        features(false, &["backtrace".into(), "panic-unwind".into()]),
        ["panic-unwind", "compiler-builtins-mem", "backtrace"]
    );
}
