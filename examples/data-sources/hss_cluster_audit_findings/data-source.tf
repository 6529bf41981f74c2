# What should not have happened in a cluster over the last 24 hours.
data "hss_cluster_audit_findings" "last_day" {
  cluster_id = "6f1e4c2a-93b7-4d0e-8a5c-7b2f19d3e460"
  start_time = provider::hss::unix_ms(timeadd(plantimestamp(), "-24h"))
  end_time   = provider::hss::unix_ms(plantimestamp())

  # The CI robot deploys and reads Secrets by design.
  allowed_usernames = ["system:serviceaccount:ci:*"]
  # The CNI runs privileged.
  trusted_images = ["registry.example.com/cni/*"]
}

output "findings" {
  value = [for f in data.hss_cluster_audit_findings.last_day.findings : "${f.time_rfc3339} ${f.severity} ${f.rule}: ${f.message}"]
}

check "no_high_findings" {
  assert {
    condition     = length([for f in data.hss_cluster_audit_findings.last_day.findings : f if f.severity == "high"]) == 0
    error_message = "High-severity findings in the last 24 hours:\n${join("\n", [for f in data.hss_cluster_audit_findings.last_day.findings : "  - ${f.time_rfc3339} ${f.rule}: ${f.message}" if f.severity == "high"])}"
  }
}
