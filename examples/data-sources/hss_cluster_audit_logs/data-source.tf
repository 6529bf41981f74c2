# Every deletion in a cluster over one day (times are Unix epoch milliseconds).
data "hss_cluster_audit_logs" "deletions" {
  cluster_id = "6f1e4c2a-93b7-4d0e-8a5c-7b2f19d3e460"
  start_time = 1795400000000
  end_time   = 1795486400000
  verb       = "delete"
}

output "deleted_objects" {
  value = [
    for r in data.hss_cluster_audit_logs.deletions.data_list : {
      time = r.time
      host = r.host_name
      # content is usually a Kubernetes audit event in JSON, sometimes free text.
      user   = try(jsondecode(r.content).user.username, null)
      object = try(jsondecode(r.content).objectRef.name, null)
    }
  ]
}
