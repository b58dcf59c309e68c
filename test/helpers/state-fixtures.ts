/** Every state of the shared fixture set, and the failures that real applies leave. */
export const STATE_FIXTURES = [
  'xila10-Terraform-Openstack/terraform.tfstate',
  'alpekin98-terraform-openstack/vm-create-kubernetes.terraform.tfstate',
  'juffaz-terraform-openstack/terraform.tfstate.backup',
  'hashicorp-terraform-json/110_sensitive_values.terraform.tfstate',
  'hashicorp-terraform-json/110_sensitive_values.state.json',
  'dineshba-tf-summarize/example.terraform.tfstate',
  'snyk-driftctl/aws_route53_record_multiples.terraform.tfstate',
  'infracost-infracost/terraform_v0.14_state.json',
  'xos-generated/failed-apply/terraform.tfstate',
  'xos-generated/failed-apply/show.json',
];
