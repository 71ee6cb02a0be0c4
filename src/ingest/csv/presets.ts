/**
 * @module Presets: the default column names and stage names of the CRMs' own exports, so that a file
 * straight from Salesforce, HubSpot or Pipedrive imports without editing it, and without options beyond
 * `--preset`. Every part of a preset can be overridden (`--columns`, `--stages`, `--types`…): CRM admins rename
 * stages and add pipelines, and `*=open` covers every stage not listed.
 *
 * Sources: Salesforce's Opportunity fields and default sales process stages (help.salesforce.com "Opportunity
 * Fields"); HubSpot's default deal properties and the seven stages of its default sales pipeline
 * (knowledge.hubspot.com "HubSpot's default deal properties"); Pipedrive's deal fields as its spreadsheet export
 * names them (`Deal - <field>`), where won and lost are a deal's Status, not a stage.
 */
import type { ImportKind } from "./importKinds.js"

export type CrmPreset = "salesforce" | "hubspot" | "pipedrive"
export const crmPresets: ReadonlyArray<CrmPreset> = ["salesforce", "hubspot", "pipedrive"]

/** What a preset says for one kind of import: columns by field, and the words of the CRM for each mapping. */
export type PresetMapping = {
  readonly columns: Readonly<Record<string, string>>
  readonly stages?: ReadonlyArray<readonly [string, string]>
  readonly types?: ReadonlyArray<readonly [string, string]>
  readonly outcomes?: ReadonlyArray<readonly [string, string]>
  readonly dates?: "mdy" | "dmy"
}

const salesforceStages: ReadonlyArray<readonly [string, string]> = [
  ["Prospecting", "open"],
  ["Qualification", "open"],
  ["Needs Analysis", "open"],
  ["Value Proposition", "open"],
  ["Id. Decision Makers", "open"],
  ["Perception Analysis", "open"],
  ["Proposal/Price Quote", "open"],
  ["Negotiation/Review", "open"],
  ["Closed Won", "won"],
  ["Closed Lost", "lost"],
]

const hubspotStages: ReadonlyArray<readonly [string, string]> = [
  ["Appointment Scheduled", "open"],
  ["Qualified To Buy", "open"],
  ["Presentation Scheduled", "open"],
  ["Decision Maker Bought-In", "open"],
  ["Contract Sent", "open"],
  ["Closed Won", "won"],
  ["Closed Lost", "lost"],
]

const pipedriveStatuses: ReadonlyArray<readonly [string, string]> = [
  ["Open", "open"],
  ["Won", "won"],
  ["Lost", "lost"],
]

export const presets: Readonly<Record<CrmPreset, Partial<Record<ImportKind, PresetMapping>>>> = {
  salesforce: {
    // An Opportunities report exported as CSV ("Details Only").
    deals: {
      columns: {
        dealId: "Opportunity ID",
        owner: "Opportunity Owner",
        account: "Account Name",
        stage: "Stage",
        openedAt: "Created Date",
        closeDate: "Close Date",
        amount: "Amount",
        currency: "Opportunity Currency",
      },
      stages: salesforceStages,
      dates: "mdy",
    },
    // A Tasks and Events report: Type is Call, Email, Meeting or Other; Call Type and Call Duration are the Task's call fields.
    activities: {
      columns: {
        activityId: "Activity ID",
        owner: "Assigned",
        type: "Type",
        occurredAt: "Date",
        account: "Account",
        contact: "Contact",
        direction: "Call Type",
        duration: "Call Duration",
        outcome: "Call Result",
      },
      types: [
        ["Call", "call"],
        ["Email", "email"],
        ["Meeting", "meeting"],
        ["Other", "other"],
      ],
      dates: "mdy",
    },
    // An Accounts report. The id is the Account Name, as the Opportunities and Tasks reports name the account;
    // the Account Owner is a user's full name, as the Opportunity Owner of the deals report.
    accounts: {
      columns: {
        accountId: "Account Name",
        name: "Account Name",
        industry: "Industry",
        size: "Employees",
        customer: "Type",
        owner: "Account Owner",
      },
    },
  },
  hubspot: {
    // Deals exported from the deals index ("Export view"), with the company association.
    deals: {
      columns: {
        dealId: "Record ID",
        owner: "Deal owner",
        account: "Associated Company",
        stage: "Deal Stage",
        openedAt: "Create Date",
        closeDate: "Close Date",
        amount: "Amount",
        currency: "Currency",
        lostReason: "Closed lost reason",
      },
      stages: hubspotStages,
    },
    // Activities exported from the activities index: calls, emails, meetings; call outcomes are HubSpot's defaults.
    activities: {
      columns: {
        activityId: "Record ID",
        owner: "Activity assigned to",
        type: "Activity type",
        occurredAt: "Activity date",
        account: "Associated Company",
        contact: "Associated Contact",
        direction: "Call direction",
        duration: "Call duration",
        outcome: "Call outcome",
      },
      types: [
        ["Call", "call"],
        ["Email", "email"],
        ["Meeting", "meeting"],
        ["LinkedIn message", "social"],
        ["SMS", "sms"],
        ["WhatsApp", "sms"],
        ["Note", "skip"],
        ["Task", "skip"],
      ],
      outcomes: [
        ["Connected", "connected"],
        ["Busy", "busy"],
        ["No answer", "no_answer"],
        ["Left live message", "connected"],
        ["Left voicemail", "voicemail"],
        ["Wrong number", "failed"],
      ],
    },
    // Companies exported from the companies index. The id is the Company name, as deals' Associated Company;
    // the Company owner is a user, as the deals export's Deal owner.
    accounts: {
      columns: {
        accountId: "Company name",
        name: "Company name",
        industry: "Industry",
        size: "Number of Employees",
        customer: "Lifecycle Stage",
        owner: "Company owner",
      },
    },
  },
  pipedrive: {
    // Deals exported to a spreadsheet: every column is `Deal - <field>`; Status is open, won or lost.
    deals: {
      columns: {
        dealId: "Deal - ID",
        owner: "Deal - Owner",
        account: "Deal - Organization",
        stage: "Deal - Status",
        openStage: "Deal - Stage",
        openedAt: "Deal - Deal created",
        closeDate: "Deal - Deal closed on",
        expectedCloseDate: "Deal - Expected close date",
        amount: "Deal - Value",
        currency: "Deal - Currency",
        lostReason: "Deal - Lost reason",
      },
      stages: pipedriveStatuses,
    },
    // Activities exported to a spreadsheet: Type is Call, Meeting, Task, Deadline, Email or Lunch; Done is Done/To do.
    activities: {
      columns: {
        activityId: "Activity - ID",
        owner: "Activity - Assigned to user",
        type: "Activity - Type",
        occurredAt: "Activity - Due date",
        account: "Activity - Organization",
        contact: "Activity - Contact person",
        duration: "Activity - Duration",
        held: "Activity - Done",
      },
      types: [
        ["Call", "call"],
        ["Meeting", "meeting"],
        ["Lunch", "meeting"],
        ["Email", "email"],
        ["Task", "skip"],
        ["Deadline", "skip"],
      ],
    },
  },
}
