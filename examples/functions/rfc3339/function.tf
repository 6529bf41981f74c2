# Records carry their time as epoch milliseconds; rfc3339 makes it readable.
output "record_time" {
  value = provider::hss::rfc3339(1795514400500) # "2026-11-24T10:00:00.500Z"
}
