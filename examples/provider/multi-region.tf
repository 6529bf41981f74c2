# One provider block, two regions: each data source's region selects that
# region's endpoint and project.
provider "hss" {
  region = "cn-north-4"
}

data "hss_cluster_audit_logs" "beijing" {
  cluster_id = "6f1e4c2a-93b7-4d0e-8a5c-7b2f19d3e460"
  start_time = 1795400000000
  end_time   = 1795486400000
}

data "hss_cluster_audit_logs" "dublin" {
  region     = "eu-west-101"
  cluster_id = "0b7d2e91-5c3a-4f68-9e1d-a24c8b6f3d07"
  start_time = 1795400000000
  end_time   = 1795486400000
}
