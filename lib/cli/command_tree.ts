/**
 * The command tree: every command graphcall has, with its options, arguments and help footer,
 * as plain specs (lib/cli/spec.ts). Help, the parser, the PowerShell names' checks and the shell
 * completions read it; a leaf's `load()` brings in its module only when that command runs, so
 * this file stays cheap to import: it holds neither command code nor library code.
 *
 * Adding a command is one entry here and one module in lib/cli/commands/ that exports a
 * {@link CommandModule} as default.
 *
 * @module
 */

import { EXIT_CODE_TABLE } from "../errors.ts";
import type { CommandModule } from "./command.ts";
import { GLOBAL_OPTIONS } from "./global_option_specs.ts";
import { POWERSHELL_ALIASES } from "./powershell_aliases.ts";
import type { CommandSpec, OptionSpec } from "./spec.ts";

/** Loads a command module's default export. */
async function load(module: Promise<{ default: CommandModule }>): Promise<CommandModule> {
  return (await module).default;
}

const CALL: OptionSpec = { flag: "--call", value: "id", description: "the call id" };
const WHAT_IF_SEND_NOTHING: OptionSpec = {
  flag: "--what-if",
  description: "print the exact request and send nothing (not even a token request)",
};
const WHAT_IF_READ: OptionSpec = {
  flag: "--what-if",
  description: "print the request and send nothing",
};
const PARTICIPANT_URL_ONE: OptionSpec = {
  flag: "--participant-url",
  value: "url",
  description: "a Graph participant URL instead of --call/--participant",
};
const INPUT_OBJECT_ONE: OptionSpec = {
  flag: "--input-object",
  value: "file",
  description: 'JSON {"callId", "participantId"} from a file or - (stdin)',
};
const SELECT: OptionSpec = {
  flag: "--select",
  value: "properties",
  description: "only these properties ($select), comma-separated",
};

const PARTICIPANT_REMOVE: CommandSpec = {
  name: "remove",
  summary: "remove participants: drops active ones at once, or cancels pending invitations",
  options: [
    CALL,
    {
      flag: "--participant",
      value: "id",
      description: "a participant id (repeat for several)",
      repeatable: true,
    },
    {
      flag: "--participant-url",
      value: "url",
      description:
        "a Graph participant URL .../communications/calls/ID/participants/PID (repeatable)",
      repeatable: true,
    },
    {
      flag: "--input-object",
      value: "file",
      description: 'JSON {"callId", "participantId"} from a file, or - for stdin (-InputObject)',
    },
    {
      flag: "--from",
      value: "file",
      description: "read participant ids from a file, or - for stdin (one per line, or JSON)",
    },
    {
      flag: "--all-except-self",
      description: "remove everyone in the call except this app's own bot",
    },
    {
      flag: "--concurrency",
      value: "n",
      description: "bulk: requests in flight at most, 1 to 64 (default 4)",
    },
    {
      flag: "--batch",
      description:
        "bulk: send JSON $batch requests of 20 (UNCONFIRMED for communications endpoints)",
    },
    {
      flag: "--journal",
      value: "file",
      description: "bulk: record every outcome in FILE (JSON lines) as it happens",
    },
    {
      flag: "--resume",
      value: "file",
      description: "continue the run recorded in this journal; done items are skipped",
    },
    { flag: "--if-match", value: "etag", description: "sent as If-Match (one participant)" },
    {
      flag: "--header",
      value: "header",
      description: 'extra request header "Name: value" (repeatable; one participant)',
      repeatable: true,
    },
    WHAT_IF_SEND_NOTHING,
    {
      flag: "--confirm",
      description: "ask before removing (refuses without a terminal unless --yes)",
    },
    { flag: "--pass-thru", description: "print true on success (Remove-Mg... -PassThru)" },
  ],
  footer: "Example:\n" +
    "  graphcall participant remove --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8 \\\n" +
    "    --participant a7ebfb2d-871e-419c-87af-27290b22e8db\n" +
    "  graphcall participant remove --call CALL_ID --from ids.txt --journal run.jsonl\n" +
    "  graphcall participant remove --resume run.jsonl   # after Ctrl-C or a crash\n" +
    "  graphcall participant remove --call CALL_ID --participant PID --what-if\n" +
    "\n" +
    "Ctrl-C (SIGINT) or SIGTERM during a bulk removal starts no new request, lets\n" +
    "those in flight finish, writes the journal and the report, and exits 130.\n" +
    "A --confirm answered no sends nothing and exits 0 (outcome: declined).",
  load: () => load(import("./commands/participant_remove.ts")),
};

const PARTICIPANT_INVITE: CommandSpec = {
  name: "invite",
  summary: "invite users, phone numbers, guests or bots into a call",
  options: [
    CALL,
    {
      flag: "--user",
      value: "oid",
      description: "an Entra user's object id (repeatable)",
      repeatable: true,
    },
    {
      flag: "--phone",
      value: "e164",
      description: "a phone number in E.164, e.g. +14255550123 (repeatable)",
      repeatable: true,
    },
    {
      flag: "--guest",
      value: "name",
      description: "a guest's display name (repeatable)",
      repeatable: true,
    },
    {
      flag: "--guest-id",
      value: "id",
      description: "the id of the one --guest (default: a new GUID)",
    },
    {
      flag: "--application",
      value: "appid",
      description: "a bot's app id (repeatable)",
      repeatable: true,
    },
    {
      flag: "--participant-id",
      value: "id",
      description: "the participant id the one invitee gets (default: new GUID)",
    },
    {
      flag: "--client-context",
      value: "text",
      description: "echoed in the invite operation (at most 256 characters)",
    },
    { flag: "--hidden", description: "hide the invitees from the roster" },
    {
      flag: "--replaces-call-id",
      value: "id",
      description: "the call the one invitee is in now, to move them",
    },
    {
      flag: "--body",
      value: "file",
      description: "the raw invite JSON from a file, or - for stdin (-BodyParameter)",
    },
    {
      flag: "--participants",
      value: "json",
      description: "a JSON array of invitationParticipantInfo (-Participants)",
    },
    { flag: "--wait", description: "wait until the invitation is answered (or fails)" },
    {
      flag: "--wait-timeout",
      value: "seconds",
      description: "with --wait: give up after this long (default 90)",
    },
    {
      flag: "--concurrency",
      value: "n",
      description: "with --journal: invitations in flight at most (default 4)",
    },
    {
      flag: "--journal",
      value: "file",
      description: "invite each invitee with its own request and record each outcome in FILE",
    },
    {
      flag: "--resume",
      value: "file",
      description: "continue the invitations recorded in this journal",
    },
    {
      flag: "--header",
      value: "header",
      description: 'extra request header "Name: value" (repeatable)',
      repeatable: true,
    },
    WHAT_IF_SEND_NOTHING,
    {
      flag: "--confirm",
      description: "ask before inviting (refuses without a terminal unless --yes)",
    },
    { flag: "--pass-thru", description: "print the operation id only" },
  ],
  footer: "Example:\n" +
    "  graphcall participant invite --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8 \\\n" +
    "    --user 278405a3-f568-4b3e-b684-009193463064 --wait\n" +
    "  graphcall participant invite --call CALL_ID --phone +14255550123 --what-if\n" +
    "  graphcall participant invite --call CALL_ID --body invite.json\n" +
    "  graphcall participant invite --call CALL_ID --user OID1 --user OID2 \\\n" +
    "    --journal run.jsonl\n" +
    "\n" +
    "With --wait the exit code is 0 when the invitation was answered, 1 when it\n" +
    "failed or timed out. A --confirm answered no sends nothing and exits 0\n" +
    "(outcome: declined).",
  load: () => load(import("./commands/participant_invite.ts")),
};

const PARTICIPANT_LIST: CommandSpec = {
  name: "list",
  summary: "list the participants of a call",
  options: [
    { ...CALL, required: true },
    {
      flag: "--top",
      value: "n",
      description: "at most this many participants (also the page size, $top)",
    },
    { flag: "--all", description: "every page (the default; accepted for Get-Mg... -All)" },
    {
      flag: "--filter",
      value: "odata",
      description: "an OData $filter, sent as it is (whether Graph honours it here is UNCONFIRMED)",
    },
    SELECT,
    WHAT_IF_READ,
  ],
  footer: "Example:\n" +
    "  graphcall participant list --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8\n" +
    "  graphcall participant list --call CALL_ID --select isMuted,info --output json",
  load: () => load(import("./commands/participant_list.ts")),
};

const PARTICIPANT_GET: CommandSpec = {
  name: "get",
  summary: "show one participant of a call",
  options: [
    CALL,
    { flag: "--participant", value: "id", description: "the participant id" },
    PARTICIPANT_URL_ONE,
    INPUT_OBJECT_ONE,
    SELECT,
    WHAT_IF_READ,
  ],
  footer: "Example:\n" +
    "  graphcall participant get --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8 \\\n" +
    "    --participant a7ebfb2d-871e-419c-87af-27290b22e8db --output json",
  load: () => load(import("./commands/participant_get.ts")),
};

const PARTICIPANT_MUTE: CommandSpec = {
  name: "mute",
  summary: "mute a participant (a server mute; the participant may unmute)",
  options: [
    CALL,
    { flag: "--participant", value: "id", description: "the participant id" },
    PARTICIPANT_URL_ONE,
    INPUT_OBJECT_ONE,
    {
      flag: "--client-context",
      value: "text",
      description: "echoed in the mute operation (at most 256 characters)",
    },
    {
      flag: "--body",
      value: "file",
      description: 'the mute body {"clientContext": ...} from a file or - (stdin)',
    },
    WHAT_IF_READ,
    {
      flag: "--confirm",
      description: "ask before muting (refuses without a terminal unless --yes)",
    },
    { flag: "--pass-thru", description: "print true on success" },
  ],
  footer: "Example:\n" +
    "  graphcall participant mute --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8 \\\n" +
    "    --participant a7ebfb2d-871e-419c-87af-27290b22e8db",
  load: () => load(import("./commands/participant_mute.ts")),
};

const CERT_NEW: CommandSpec = {
  name: "new",
  summary: "make an RSA key and a self-signed certificate (New-SelfSignedCertificate)",
  options: [
    {
      flag: "--subject",
      value: "dn",
      description: "the subject, e.g. CN=meeting-bot",
      default: "CN=graphcall",
    },
    {
      flag: "--out",
      value: "file",
      description: "PEM file for the key and certificate (mode 0600)",
      required: true,
    },
    { flag: "--years", value: "n", description: "validity in years, 1 to 10", default: "1" },
    {
      flag: "--key-size",
      value: "bits",
      description: "RSA key size: 2048, 3072 or 4096",
      default: "3072",
    },
    { flag: "--force", description: "overwrite existing files" },
  ],
  footer: "Example:\n  graphcall cert new --subject CN=meeting-bot --out app.pem --years 2\n\n" +
    "The files are created new once the key exists: a file or link that appears at\n" +
    "--out in the meantime is never written through (the command refuses and says\n" +
    "so).",
  load: () => load(import("./commands/cert_new.ts")),
};

const TENANT_SETUP: CommandSpec = {
  name: "setup",
  summary: "print (or --out write) the idempotent PowerShell script that adds the app to " +
    "AllowRemoveParticipantAppIds (or --revoke removes it), with the admin-consent URL and " +
    "the permissions each operation needs",
  options: [
    {
      flag: "--app-id",
      value: "id",
      description: "the app (client) id to allow (default: --client-id, AZURE_CLIENT_ID)",
    },
    { flag: "--revoke", description: "remove the app from the list instead of adding it" },
    {
      flag: "--app-only-admin",
      description: "sign the admin in app-only with a certificate (needs " +
        "--certificate-thumbprint, --admin-app-id and --tenant)",
    },
    {
      flag: "--certificate-thumbprint",
      value: "hex",
      description:
        "with --app-only-admin: SHA-1 thumbprint of the admin app's certificate (CurrentUser store)",
    },
    {
      flag: "--admin-app-id",
      value: "id",
      description: "with --app-only-admin: the admin app's (client) id",
    },
    {
      flag: "--minimum-module-version",
      value: "version",
      description: "minimum MicrosoftTeams module version",
    },
    {
      flag: "--out",
      value: "file.ps1",
      description: "write the script to this file instead of standard output",
    },
  ],
  footer: "The global --cloud (Global, USGov, USGovDoD, China) picks Connect-MicrosoftTeams\n" +
    "-TeamsEnvironmentName and the consent URL; --tenant goes into the consent URL.\n\n" +
    "Examples:\n" +
    "  graphcall tenant setup --app-id 0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60 \\\n" +
    "    --cloud USGov --out allow.ps1\n" +
    "  graphcall tenant setup --app-id 0b5e8a21-6c4f-4d2e-9a57-3f1c2d8e7b60 \\\n" +
    "    --revoke > revoke.ps1",
  load: () => load(import("./commands/tenant_setup.ts")),
};

const DOCTOR_FOOTER = `Exit codes:
    0  no check failed (warnings allowed)
    2  bad input, or a credential that is missing or unreadable
    3  the token cannot be obtained or is unusable (certificate, clock, AADSTS,
       cloud)
    4  the --call was not found
    5  a required permission (role) is missing, or the tenant policy refuses
       removals
  6/7  service or network error
  The first failing check decides the code.

Nothing is changed: with --call, doctor only lists the call's participants.

Examples:
  graphcall doctor --tenant contoso.onmicrosoft.com --client-id APP_ID \\
    --certificate app.pem
  graphcall doctor --call 112f7296-5fa4-42ca-bae8-6a692b15d4b8 --output json`;

const JOIN_URL: OptionSpec = {
  flag: "--join-url",
  value: "url",
  description: "the meeting's join link (teams.microsoft.com/l/meetup-join/... or /meet/...)",
};
const MEETING_OPTIONS: readonly OptionSpec[] = [
  JOIN_URL,
  {
    flag: "--lobby-timeout",
    value: "seconds",
    description: "give up waiting in the meeting's lobby after this long (exit 8)",
    default: "120",
  },
  {
    flag: "--callback-uri",
    value: "url",
    description: "HTTPS URL for the call's notifications, e.g. the bot's calling webhook " +
      "(env: GRAPHCALL_CALLBACK_URI; the emulator needs none)",
  },
  {
    flag: "--listen",
    value: "host:port",
    description: "serve the callback here for the command's life, behind your tunnel; " +
      "each notification's signature is checked",
  },
  {
    flag: "--notification-keys",
    value: "url",
    description: "where the notification signing keys are published (JWKS or OpenID " +
      "configuration; default: Microsoft's, or the emulator's)",
  },
];
const MEETING_PREREQUISITES =
  "\nOnce per tenant: an Azure Bot registration with calling enabled for the app,\n" +
  "the application permissions Calls.JoinGroupCall.All (and User.Read.All to\n" +
  "look people up by UPN), admin-consented, and a Teams admin's\n" +
  "Set-CsApplicationMeetingConfiguration (graphcall tenant setup prints it).";

const MEETING_REMOVE: CommandSpec = {
  name: "remove",
  summary: "remove people from a meeting: join, find them, remove, leave",
  options: [
    ...MEETING_OPTIONS,
    {
      flag: "--user",
      value: "upn|id",
      description: "a person by UPN (looked up) or Entra object id (repeatable)",
      repeatable: true,
    },
    {
      flag: "--display-name",
      value: "name",
      description: "a person by exact display name (repeatable; guests have only a name)",
      repeatable: true,
    },
    {
      flag: "--phone",
      value: "e164",
      description: "a phone participant by number, e.g. +14255550100 (repeatable)",
      repeatable: true,
    },
    {
      flag: "--all-matches",
      description: "remove everyone a display name matches (refused by default when several do)",
    },
    { flag: "--journal", value: "file", description: "record each person's outcome in FILE" },
    {
      flag: "--resume",
      value: "file",
      description: "continue the run recorded in this journal (joins again)",
    },
    {
      flag: "--what-if",
      description: "print the requests it would send and send nothing (not even a token request)",
    },
    {
      flag: "--confirm",
      description: "ask before joining (refuses without a terminal unless --yes)",
    },
  ],
  footer: "The app always leaves the meeting: on success, on failure and on Ctrl+C.\n" +
    "A person on several devices is removed from each; the app itself never matches.\n" +
    MEETING_PREREQUISITES + "\n\nExamples:\n" +
    '  graphcall meeting remove --join-url "$JOIN_URL" --user adele@contoso.com\n' +
    '  graphcall meeting remove --join-url "$SHORT_URL" --tenant TENANT_ID \\\n' +
    "    --phone +14255550100 --what-if",
  load: () => load(import("./commands/meeting_remove.ts")),
};

const MEETING_PARTICIPANTS: CommandSpec = {
  name: "participants",
  summary: "list who is in a meeting: join, read the roster, leave",
  options: MEETING_OPTIONS,
  footer: 'Example:\n  graphcall meeting participants --join-url "$JOIN_URL" --output json',
  load: () => load(import("./commands/meeting_participants.ts")),
};

const MEETING_JOIN: CommandSpec = {
  name: "join",
  summary: "join a meeting and print the app's call id (--stay keeps it until Ctrl+C)",
  options: [
    ...MEETING_OPTIONS,
    {
      flag: "--stay",
      description: "stay in the call (kept alive) until Ctrl+C or SIGTERM, then hang up",
    },
    {
      flag: "--body",
      value: "file",
      description: "a join body as JSON from a file or - (New-MgCommunicationCall -BodyParameter)",
    },
    { flag: "--what-if", description: "print the join request and send nothing" },
    {
      flag: "--confirm",
      description: "ask before joining (refuses without a terminal unless --yes)",
    },
  ],
  footer: 'Example:\n  graphcall meeting join --join-url "$JOIN_URL" --stay\n' +
    "  graphcall participant list --call CALL_ID   # meanwhile, in another terminal",
  load: () => load(import("./commands/meeting_join.ts")),
};

const MEETING_GUARD: CommandSpec = {
  name: "guard",
  summary: "stay in a meeting and remove denied people each time they come back",
  options: [
    ...MEETING_OPTIONS,
    {
      flag: "--deny",
      value: "upn|id|e164",
      description: "keep this person out: a UPN, an Entra object id or +E164 (repeatable)",
      repeatable: true,
    },
    {
      flag: "--deny-display-name",
      value: "pattern",
      description: "keep out display names matching this pattern (* and ?, any case)",
      repeatable: true,
    },
    { flag: "--deny-guests", description: "keep out every anonymous guest" },
    {
      flag: "--allow-tenant",
      value: "id",
      description: "keep out everyone whose identity names another tenant (repeatable)",
      repeatable: true,
    },
    { flag: "--duration", value: "time", description: "stop after this long, e.g. 90s, 15m, 2h" },
    {
      flag: "--poll-interval",
      value: "seconds",
      description: "read the roster this often when no notification comes",
      default: "1",
    },
    { flag: "--rejoin", description: "join again (with backoff) if the app's own call ends" },
    { flag: "--what-if", description: "show the plan and send nothing" },
  ],
  footer: "Ctrl+C, SIGTERM or the end of --duration hangs up and exits 0 with a summary.\n" +
    "With --output json each event is one JSON line.\n\nExample:\n" +
    '  graphcall meeting guard --join-url "$JOIN_URL" --deny mallory@contoso.com \\\n' +
    "    --deny +14255550100 --duration 1h",
  load: () => load(import("./commands/meeting_guard.ts")),
};

const CALL_REQUIRED: OptionSpec = {
  flag: "--call",
  value: "id",
  description: "the app's call id (meeting join --stay prints it)",
};

/** The name of the variable that holds the emulator's admin API token. */
const ADMIN_TOKEN_ENV = "GRAPHCALL_EMULATOR_ADMIN_TOKEN";

const COMMANDS: readonly CommandSpec[] = [
  {
    name: "meeting",
    summary: "work on a meeting from its join link: remove people, list, join, guard",
    commands: [MEETING_REMOVE, MEETING_PARTICIPANTS, MEETING_JOIN, MEETING_GUARD],
  },
  {
    name: "call",
    summary: "the app's own call: get it, hang up",
    commands: [
      {
        name: "get",
        summary: "get the app's call: its state, and why it ended",
        options: [CALL_REQUIRED, WHAT_IF_READ],
        footer: "Example:\n  graphcall call get --call CALL_ID",
        load: () => load(import("./commands/call_get.ts")),
      },
      {
        name: "hang-up",
        summary: "leave the call: only the app's leg ends, the meeting goes on",
        options: [
          CALL_REQUIRED,
          WHAT_IF_SEND_NOTHING,
          {
            flag: "--confirm",
            description: "ask before hanging up (refuses without a terminal unless --yes)",
          },
          { flag: "--pass-thru", description: "print true on success (Remove-Mg... -PassThru)" },
        ],
        footer: "Example:\n  graphcall call hang-up --call CALL_ID\n\n" +
          "A --confirm answered no sends nothing and exits 0 (outcome: declined).",
        load: () => load(import("./commands/call_hang_up.ts")),
      },
    ],
  },
  {
    name: "participant",
    summary: "remove, invite, list, get or mute the participants of a call",
    commands: [
      PARTICIPANT_REMOVE,
      PARTICIPANT_INVITE,
      PARTICIPANT_LIST,
      PARTICIPANT_GET,
      PARTICIPANT_MUTE,
    ],
  },
  {
    name: "cert",
    summary: "make certificates for app registrations",
    commands: [CERT_NEW],
  },
  {
    name: "clouds",
    summary: "list the national clouds, their Graph and Entra hosts (Get-MgEnvironment)",
    options: [
      {
        flag: "--name",
        value: "cloud",
        description: "only this cloud: Global, USGov, USGovDoD or China",
      },
    ],
    footer: "Example:\n  graphcall clouds\n  graphcall clouds --name USGov --output json",
    load: () => load(import("./commands/clouds.ts")),
  },
  {
    name: "emulator",
    summary: "run the local Entra ID + Graph emulator",
    options: [
      { flag: "--host", value: "host", description: "address to bind", default: "127.0.0.1" },
      { flag: "--port", value: "port", description: "port, 0 for any free one", default: "0" },
      { flag: "--state", value: "file", description: "JSON state file to seed from" },
      {
        flag: "--tls-self-signed",
        description: "serve HTTPS with a new localhost certificate; prints its CA path",
      },
      {
        flag: "--tls-cert",
        value: "file",
        description: "serve HTTPS with this certificate (PEM; needs --tls-key)",
      },
      { flag: "--tls-key", value: "file", description: "the private key of --tls-cert (PEM)" },
      {
        flag: "--allowed-host",
        value: "name",
        description: "also answer requests whose Host is this name (repeatable; against DNS " +
          "rebinding only the bound loopback names are answered)",
        repeatable: true,
      },
    ],
    footer: "The admin API (/_emulator/) is open on loopback. On another address it needs\n" +
      `a token: set ${ADMIN_TOKEN_ENV} and send it as\nAuthorization: Bearer.\n\n` +
      "Examples:\n" +
      "  graphcall emulator --state tenant.json --port 8080 --output json\n" +
      "  graphcall emulator --tls-self-signed --output json",
    load: () => load(import("./commands/emulator.ts")),
  },
  {
    name: "demo",
    summary: "remove a person from a meeting on a local emulated tenant, step by step",
    options: [{
      flag: "--guard",
      description: "the meeting guard's story: a banned person rejoins and is removed each time",
    }],
    footer: "Example:\n  graphcall demo\n  graphcall demo --guard",
    load: () => load(import("./commands/demo.ts")),
  },
  {
    name: "token",
    summary: "get an app-only token and show its claims (never the token itself)",
    description:
      "get an app-only Graph token and show who it is for (never the token, unless --print-token)",
    options: [
      {
        flag: "--show-claims",
        description: "show the token's claims: roles, tenant, app, audience, expiry",
      },
      {
        flag: "--print-token",
        description:
          "print the raw access token alone on stdout, for piping; it is a secret: keep it out of logs",
      },
    ],
    footer: "Examples:\n  graphcall token --show-claims\n" +
      "  graphcall token --print-token | other-tool --token-stdin",
    load: () => load(import("./commands/token.ts")),
  },
  {
    name: "tenant",
    summary: "tenant setup: the Set-CsApplicationMeetingConfiguration script for an app",
    description: "tenant setup: the Teams policy that lets an app remove participants",
    commands: [TENANT_SETUP],
  },
  {
    name: "doctor",
    summary: "check credentials, token, roles, clock, cloud and tenant policy, with fixes",
    description:
      "check credential, certificate, clock, token, roles, cloud and tenant policy; a fix per line",
    options: [
      {
        flag: "--call",
        value: "id",
        description: "also list this call's participants (read-only)",
      },
      {
        flag: "--require",
        value: "operations",
        description: "operations the app must be able to do, comma-separated: remove, get, " +
          "mute, list, invite (default: remove, and list with --call); the others only warn",
      },
      {
        flag: "--join-url",
        value: "url",
        description: "check the roles to join this meeting and its tenant (nothing is joined)",
      },
      {
        flag: "--user",
        value: "upn",
        description: "look this person up as meeting remove will (User.Read.All; repeatable)",
        repeatable: true,
      },
    ],
    footer: DOCTOR_FOOTER,
    load: () => load(import("./commands/doctor.ts")),
  },
  {
    name: "completions",
    summary: "print a shell completion script",
    arguments: [{
      name: "shell",
      description: "bash, zsh or pwsh",
      choices: ["bash", "zsh", "pwsh"],
    }],
    footer: "Example:\n  source <(graphcall completions bash)\n" +
      "  graphcall completions pwsh | Out-String | Invoke-Expression",
    load: () => load(import("./commands/completions.ts")),
  },
];

/**
 * The commands a PowerShell name stands for, one per line: `participant list`, then
 * `participant get (-ParticipantId)` when a parameter chooses another command.
 */
function aliasTargets(alias: (typeof POWERSHELL_ALIASES)[number]): string[] {
  const targets = [alias.command.join(" ")];
  for (const [set, command] of Object.entries(alias.setCommands ?? {})) {
    const chooser = alias.parameters.find((p) =>
      p.sets?.[set]?.mandatory && !(alias.defaultSet && p.sets?.[alias.defaultSet]?.mandatory)
    );
    targets.push(`${command.join(" ")}${chooser ? ` (-${chooser.name})` : ""}`);
  }
  return targets;
}

const ROOT_FOOTER = "Example:\n" +
  "  graphcall participant remove --call CALL_ID --participant PARTICIPANT_ID\n" +
  "  graphcall Remove-MgCommunicationCallParticipant -CallId CALL_ID \\\n" +
  "    -ParticipantId ID -WhatIf\n" +
  "\nPowerShell names (case-insensitive, parameters by unambiguous prefix):\n" +
  POWERSHELL_ALIASES.flatMap((a) =>
    aliasTargets(a).map((target, i) => `  ${(i === 0 ? a.cmdlet : "").padEnd(44)} ${target}`)
  ).join("\n") +
  "\n\nExit codes:\n" +
  EXIT_CODE_TABLE.map((e) => `  ${String(e.code).padStart(3)}  ${e.meaning}`).join("\n");

/** The root of the tree: `graphcall`, its global options and its commands. */
export const ROOT: CommandSpec = {
  name: "graphcall",
  summary: "Remove and invite participants of Microsoft Teams calls through Microsoft Graph.",
  options: GLOBAL_OPTIONS,
  commands: COMMANDS,
  footer: ROOT_FOOTER,
};

/** The command at a path (`["participant", "remove"]`), or undefined. `[]` is the root. */
export function findCommand(path: readonly string[]): CommandSpec | undefined {
  let current: CommandSpec | undefined = ROOT;
  for (const name of path) current = current?.commands?.find((c) => c.name === name);
  return current;
}
