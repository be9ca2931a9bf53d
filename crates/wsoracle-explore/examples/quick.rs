fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut plan = wsoracle_explore::Plan::default();
    if let Some(g) = args.first() {
        plan.groups = vec![g.clone()];
    }
    if let Some(p) = args.get(1) {
        plan.presets = vec![wsoracle_model::Preset::by_name(p).unwrap()];
        plan.fidelities = vec![wsoracle_model::Fidelity::Observed];
    }
    let r = wsoracle_explore::explore(&plan);
    print!("{}", r.render());
}
