//! The data-plane stand-in and ecrctl's registry TLS trust, checked against it.

use std::path::Path;

use ecrctl::registry::tls;

use crate::harness::stand_ins;
use crate::images::{Registry, inspect, seed_image};

fn ping(client: &reqwest::Client, host: &str) -> Result<u16, String> {
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(async {
        client
            .get(format!("https://{host}/v2/"))
            .send()
            .await
            .map(|r| r.status().as_u16())
            .map_err(|e| format!("{e:?}"))
    })
}

#[test]
fn seeded_images_keep_their_digest_in_both_registries() {
    for registry in [Registry::Ecr, Registry::Plain] {
        let digest = seed_image(registry, "seed/app", "v1", "seeded");
        let info = inspect(registry, "seed/app", "v1");
        assert_eq!(info["Digest"], digest.as_str());
    }
}

#[test]
fn registry_tls_trusts_ca_cert_flag_and_docker_certs_d() {
    let s = stand_ins();
    let nowhere = Path::new("/nonexistent-certs.d");
    // Without our CA the handshake fails.
    let untrusted = tls::http_client(&s.registry, None, nowhere).unwrap();
    assert!(ping(&untrusted, &s.registry).is_err());
    // --ca-cert: the registry answers, asking for credentials as ECR does.
    let with_flag = tls::http_client(&s.registry, Some(&s.ca_cert), nowhere).unwrap();
    assert_eq!(ping(&with_flag, &s.registry), Ok(401));
    // docker's certs.d/HOST:PORT/*.crt.
    let certs_d = s.root.join("certs.d");
    std::fs::create_dir_all(certs_d.join(&s.registry)).unwrap();
    std::fs::copy(&s.ca_cert, certs_d.join(&s.registry).join("ca.crt")).unwrap();
    let with_certs_d = tls::http_client(&s.registry, None, &certs_d).unwrap();
    assert_eq!(ping(&with_certs_d, &s.registry), Ok(401));
}

#[test]
fn a_ca_file_without_certificates_is_an_input_error() {
    let s = stand_ins();
    let empty = s.root.join("empty.pem");
    std::fs::write(&empty, "not a certificate\n").unwrap();
    let error = tls::http_client(&s.registry, Some(&empty), Path::new("/nonexistent")).unwrap_err();
    assert_eq!(error.exit_code().code(), 2);
    assert!(error.message().contains("empty.pem"));
}
