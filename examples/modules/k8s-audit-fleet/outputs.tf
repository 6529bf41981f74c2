output "clusters" {
  description = "The clusters guarded, by ID: name, type and status."
  value       = { for id, c in local.guarded : id => { name = c.cluster_name, type = c.cluster_type, status = c.status } }

  precondition {
    condition     = var.allow_empty || length(local.guarded) > 0
    error_message = "No cluster to guard in region ${coalesce(var.region, "of the provider")}: the project lists ${length(local.listed)} cluster(s), and the filters keep none. A gate that guards nothing passes whatever happens; fix the filters, or set allow_empty = true."
  }

  precondition {
    condition     = length(local.unlisted) == 0
    error_message = "The project lists no cluster with ID ${join(", ", local.unlisted)} (region ${coalesce(var.region, "of the provider")}): a mistyped or deleted cluster would be guarded by nothing. It lists: ${join(", ", [for id, c in local.listed : "${c.cluster_name} (${id})"])}."
  }
}

output "findings_num" {
  description = "Findings per guarded cluster."
  value       = { for id, g in module.guard : id => length(g.findings) }
}

output "reports" {
  description = "Each guarded cluster's findings as text."
  value       = { for id, g in module.guard : id => g.report if g.report != "" }
}
