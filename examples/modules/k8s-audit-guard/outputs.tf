output "findings" {
  description = "The findings, oldest first: rule, severity, time, user, verb, object, source IPs, audit ID, stage and message."
  value       = data.hss_cluster_audit_findings.window.findings
}

output "counts" {
  description = "Findings per rule, 0 included."
  value       = data.hss_cluster_audit_findings.window.counts
}

output "not_evaluable" {
  description = "Per rule, the events it could not judge (a rule that reads request bodies meets Metadata-level events)."
  value       = data.hss_cluster_audit_findings.window.not_evaluable
}

output "report" {
  description = "The findings as text, one per line, capped at max_listed."
  value       = local.report
}
