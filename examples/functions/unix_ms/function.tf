# The audit-log data source takes epoch milliseconds; unix_ms turns
# Terraform's own timestamps into them.
output "yesterday_ms" {
  value = provider::hss::unix_ms(timeadd(plantimestamp(), "-24h"))
}
