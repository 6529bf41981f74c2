output "violations" {
  description = "The offending events: time, user, verb, object, source IPs, audit ID and host."
  value       = local.violations

  precondition {
    condition     = !var.enforce || length(local.violations) == 0
    error_message = "${length(local.violations)} forbidden action(s) in cluster ${var.cluster_id} over the last ${var.window_hours}h:\n${local.report}"
  }
}

output "events_read" {
  description = "How many events of the window matched the resource and namespace filters."
  value       = length(data.hss_cluster_audit_logs.window.data_list)
}
