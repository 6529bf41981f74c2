# k8s-audit-guard: report, or refuse, what should not have happened in a
# Kubernetes cluster over a rolling window ending at plan time, from the
# audit logs HSS keeps: the detections of hss_cluster_audit_findings (exec
# into pods, Secret access, cluster-admin bindings, privileged pods,
# anonymous requests, ...).
#
# One read of the window whatever the number of rules. By default the plan
# warns (a check block); with enforce = true it fails. It fails closed: the
# findings are read by a top-level data source, so a window that cannot be
# read fails the plan too (inside a check block, a read error would only
# warn, and the gate would pass without looking).

terraform {
  # Provider-defined functions (provider::hss::unix_ms) need Terraform 1.8.
  required_version = ">= 1.8"
  required_providers {
    hss = {
      source = "hss-tf/hss"
    }
  }
}

locals {
  cluster = var.cluster_name != "" ? "${var.cluster_name} (${var.cluster_id})" : var.cluster_id
}

data "hss_cluster_audit_findings" "window" {
  region                = var.region
  enterprise_project_id = var.enterprise_project_id
  cluster_id            = var.cluster_id
  start_time            = provider::hss::unix_ms(timeadd(plantimestamp(), "-${var.window_hours}h"))
  end_time              = provider::hss::unix_ms(plantimestamp())

  rules             = var.rules
  allowed_usernames = length(var.allowed_usernames) > 0 ? var.allowed_usernames : null
  trusted_images    = length(var.trusted_images) > 0 ? var.trusted_images : null

  lifecycle {
    postcondition {
      condition = !var.enforce || self.findings_num == 0
      error_message = join("\n", concat(
        ["${self.findings_num} finding(s) in cluster ${local.cluster} over the last ${var.window_hours}h:"],
        [for f in slice(self.findings, 0, min(length(self.findings), var.max_listed)) :
        "  - ${f.time_rfc3339} [${f.severity}] ${f.rule}: ${f.message} (audit ID ${coalesce(f.audit_id, "none")})"],
        length(self.findings) > var.max_listed ? ["  ... and ${self.findings_num - var.max_listed} more"] : [],
      ))
    }
  }
}

locals {
  findings = data.hss_cluster_audit_findings.window.findings
  report = join("\n", concat(
    [for f in slice(local.findings, 0, min(length(local.findings), var.max_listed)) :
    "  - ${f.time_rfc3339} [${f.severity}] ${f.rule}: ${f.message} (audit ID ${coalesce(f.audit_id, "none")})"],
    length(local.findings) > var.max_listed ? ["  ... and ${data.hss_cluster_audit_findings.window.findings_num - var.max_listed} more"] : [],
  ))
}

# Without enforce, a warning; with it, the postcondition above fails the
# plan, and this check stays quiet rather than say it twice.
check "no_findings" {
  assert {
    condition     = var.enforce || data.hss_cluster_audit_findings.window.findings_num == 0
    error_message = "${data.hss_cluster_audit_findings.window.findings_num} finding(s) in cluster ${local.cluster} over the last ${var.window_hours}h:\n${local.report}"
  }
}
