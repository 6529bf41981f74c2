# k8s-audit-guard: flag forbidden actions in a Kubernetes cluster's audit
# logs, as read by HSS, over a rolling window ending at plan time.
#
# A violation is an event whose verb is in forbidden_verbs, on a resource in
# forbidden_resources, by anyone not in allowed_principals. By default the
# plan warns (a check block); with enforce = true it fails (a precondition).

terraform {
  # Provider-defined functions (provider::hss::unix_ms) need Terraform 1.8.
  required_version = ">= 1.8"
  required_providers {
    hss = {
      source = "hss-tf/hss"
    }
  }
}

data "hss_cluster_audit_logs" "window" {
  cluster_id = var.cluster_id
  start_time = provider::hss::unix_ms(timeadd(plantimestamp(), "-${var.window_hours}h"))
  end_time   = provider::hss::unix_ms(plantimestamp())

  # One forbidden verb can be filtered by the service itself.
  verb = length(var.forbidden_verbs) == 1 ? var.forbidden_verbs[0] : null

  # The rest is filtered by the provider, on the parsed events.
  filter {
    resources         = var.forbidden_resources
    namespaces        = length(var.namespaces) > 0 ? var.namespaces : null
    exclude_usernames = length(var.allowed_principals) > 0 ? var.allowed_principals : null
  }

  # The guard reads parsed events only: no content in state (half the size,
  # and no request body of any Secret).
  content_mode = "none"
}

locals {
  violations = [
    for r in data.hss_cluster_audit_logs.window.data_list : {
      time       = r.time_rfc3339
      user       = r.event.user.username
      verb       = r.event.verb
      object     = join("/", compact([r.event.object_ref.resource, r.event.object_ref.subresource, r.event.object_ref.namespace, r.event.object_ref.name]))
      source_ips = r.event.source_ips
      audit_id   = r.event.audit_id
      host_name  = r.host_name
    }
    if try(contains(var.forbidden_verbs, r.event.verb), false)
  ]
  report = join("\n", [for v in local.violations : "  - ${v.time}: ${v.user} ${v.verb} ${v.object} (audit ID ${coalesce(v.audit_id, "none")})"])
}

check "no_forbidden_actions" {
  assert {
    condition     = length(local.violations) == 0
    error_message = "${length(local.violations)} forbidden action(s) in cluster ${var.cluster_id} over the last ${var.window_hours}h:\n${local.report}"
  }
}
