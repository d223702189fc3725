terraform {
  required_version = ">= 1.6"
  required_providers {
    dynatrace = {
      source  = "dynatrace-oss/dynatrace"
      version = "~> 1.70"
    }
  }
}
