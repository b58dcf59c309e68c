import * as path from 'path';

/** Where the copied fixtures live (see test/fixtures/SOURCES.md). */
export const FIXTURES = path.resolve(__dirname, '..', 'fixtures');

/** Every plan-JSON fixture (a state fixture sits beside them and is not a plan). */
export const PLAN_FIXTURES = [
  'hashicorp-terraform-json/has_changes.plan.json',
  'hashicorp-terraform-json/110_sensitive_values.plan.json',
  'hashicorp-terraform-json/120_basic.plan.json',
  'hashicorp-terraform-json/moved_block.plan.json',
  'hashicorp-terraform-json/action_reason.plan.json',
  'dineshba-tf-summarize/example.tfplan.json',
  'borchero-terraform-plan-comment/1-modify.plan.json',
  'borchero-terraform-plan-comment/2-delete.plan.json',
  'borchero-terraform-plan-comment/3-remove.plan.json',
  'borchero-terraform-plan-comment/7-create-hundreds.plan.json',
  'terraform-compliance-cli/test_issue_522.plan.out.json',
  'bridgecrewio-checkov/tfplan_win_utf16.json',
];


export const fixture = (f: string): string => path.join(FIXTURES, f);
