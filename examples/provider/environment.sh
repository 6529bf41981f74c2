# Permanent keys
export HW_ACCESS_KEY=...        # access key id
export HW_SECRET_KEY=...        # secret access key
export HW_REGION_NAME=cn-north-4
# Temporary keys add their security token
export HW_SECURITY_TOKEN=...
# Optional: skip the IAM lookup of the region's project
export HW_PROJECT_ID=0123456789abcdef0123456789abcdef
