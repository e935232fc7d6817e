//! Prints the 14 Istio CRDs, generated from `istioctl::api`, as one YAML stream:
//! `cargo run --example gen-crds > crds.yaml`.

fn main() {
    print!("{}", istioctl::api::crds_yaml());
}
