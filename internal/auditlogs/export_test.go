package auditlogs

// SetStateBudget sets the state budget of reads, for tests; it returns
// the one it replaces.
func SetStateBudget(b int64) int64 { return stateBudget.Swap(b) }
