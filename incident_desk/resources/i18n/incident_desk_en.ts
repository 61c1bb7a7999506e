<?xml version="1.0" encoding="utf-8"?>
<!DOCTYPE TS>
<TS version="2.1" language="en_US" sourcelanguage="en">
<context>
    <name>AboutDialog</name>
    <message>
        <source>Component</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>About Incident Desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident Desk is released under the {licence} licence; its text was not installed with this copy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licence text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Licence</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Third-party licences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&lt;b style=&apos;font-size: 16pt&apos;&gt;Incident Desk&lt;/b&gt;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{licence} (see the Licence tab)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Licence:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Runs on:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Python {python_version}, Qt {qversion} (PySide6 {version})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log, work, escalate and measure incidents: on this computer, or with your team on a shared PostgreSQL server. Press F1 for the help page.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident Desk runs on these components, each under its own licence (as its installed package metadata states it):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Third-party licences</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ActionItemsView</name>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>For</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show done and cancelled</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>My action items ({open}, {overdue} overdue)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>My action items ({open})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open action items ({open}, {overdue} overdue)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open action items ({open})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{open} open, {overdue} overdue, {unowned} without an owner. Overdue items notify their owner once, in the inbox and the tray.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{status} (overdue)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action item #{id}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Alerts</name>
    <message>
        <source>The tray icon is switched off (Settings → Notifications): alerts appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No system tray was found: alerts appear here and in the status bar.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalation check failed: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Do not disturb was not saved: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Do not disturb</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>AuditDialog</name>
    <message>
        <source>Everything</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-ins and refusals</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-ins</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Failed sign-ins</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refused actions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Accounts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit trail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account (any)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;What:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>W&amp;hen:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wh&amp;o:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Account</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detail</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audit entries</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n entries (the newest; narrow the filter to see older ones)</source>
        <translation>
            <numerusform>%n entry (the newest; narrow the filter to see older ones)</numerusform>
            <numerusform>%n entries (the newest; narrow the filter to see older ones)</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n entries</source>
        <translation>
            <numerusform>%n entry</numerusform>
            <numerusform>%n entries</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ClosureActions</name>
    <message>
        <source>Problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create &amp;problem from selection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Group the selected incidents under a problem record (new or existing)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export report…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The selected incident&apos;s closure report or postmortem, as PDF, HTML or Markdown, for the team or for customers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Monthly review…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The month&apos;s review for team leads and the board (PDF, HTML, Markdown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Closure policy…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Which priorities need a postmortem; when resolved incidents close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the problem records</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action i&amp;tems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show my and all open action items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select the incidents of the problem in the table first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not linked: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{key} now groups %n incidents.</source>
        <translation>
            <numerusform>{key} now groups %n incident.</numerusform>
            <numerusform>{key} now groups %n incidents.</numerusform>
        </translation>
    </message>
    <message>
        <source>Select an incident first.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ClosureDialogs</name>
    <message>
        <source>Write a few words first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What happened, as a fact: &apos;Disk on mx1 reached 100 %&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>None</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;When:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>W&amp;hat:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Marks:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marking when the impact began, was detected and was mitigated lets the durations be computed; the incident&apos;s own timeline is never changed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Say what happened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What will be done, e.g. &apos;Alert when a log partition passes 80 %&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No owner yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due on</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Action:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Owner:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Status:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Say what will be done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key comments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Comments and work notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{time} UTC · Work note by {who}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{time} UTC · Comment by {who}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key comments appear on the postmortem timeline. Work notes stay internal: a customer report never shows them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problem record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A new problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The cause behind these incidents, e.g. &apos;Mail server log partition fills&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional: what callers or agents can do meanwhile (a known error shows it when a new report matches)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Problem:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Workaround:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create and link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give the new problem a title.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Editor</name>
    <message>
        <source>&amp;Details</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Resolution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restored your unsaved changes to {key} from {draft}: the desk closed before they were saved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{restored} {key} has been changed since; saving shows what changed first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsaved changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{key} has unsaved changes ({names}). Save them before moving on?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Note not added</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The note you wrote on {key} is not on its timeline yet. Discard it?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not saved: {exc} Your edits are kept.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none (it is final)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{key} cannot move from {current} to {target}; from {current} it can move to: {moves}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The public update is on the timeline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It is on the clipboard as plain text.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It is on the clipboard as Markdown.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody subscribes to its services and no reporter has an e-mail address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No mail client could be opened; copy it as Markdown instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{done} But: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{priority} — Impact {impact} x Urgency {urgency}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overridden to {override}; the matrix gives {explain}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{explain} (from the matrix).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> Only a lead may override.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>someone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed meanwhile by {who}: {what}. Reload, or keep editing and resolve it when you save.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed meanwhile by {who}: see the timeline. Reload, or keep editing and resolve it when you save.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{key} is a duplicate of…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The lists of people, categories and teams could not be read: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ti&amp;meline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Links</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Postmortem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find the original incident. This one is resolved with code &apos;duplicate&apos; and linked to it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The status summary is on the clipboard.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No mail client could be opened; use “Copy status summary” and paste it into your mail instead.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{key} is {lower}; only an admin may change its fields. Comments can still be added.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>As imported</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Impact or urgency is unknown (imported history): the priority stays {label} until both are set.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From the matrix: {label}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give a reason for overriding the priority.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your edits ({fields}) are re-applied on the latest version; check them and save again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The incident was reloaded with the other changes; try again.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reload</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load their version and put your unsaved edits back on top</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep editing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown category &apos;{text}&apos;; pick one from the list.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>EscalationPoliciesPage</name>
    <message numerus="yes">
        <source>%n rules:</source>
        <translation>
            <numerusform>%n rule:</numerusform>
            <numerusform>%n rules:</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more</source>
        <translation>
            <numerusform>… and %n more</numerusform>
            <numerusform>… and %n more</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>FilterBar</name>
    <message>
        <source>Search text or key…  (Ctrl+F)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Full-text search of titles, descriptions and comments (words match whole words and prefixes); an incident key such as INC-000123, 123 or #123 finds that incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 24 hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 30 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 90 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 365 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Custom range…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>any</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} chosen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{field}: {summary}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show only incidents with these {field} values (now: {values})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show only incidents with these {field} values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open (not resolved)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P1 and P2</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show only this category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Anyone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show only incidents assigned to this person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Any team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show only incidents of this team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assignee filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team filter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show only incidents opened in this period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened on or after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened on or before</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove this extra condition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Clear every filter and the search text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Me ({name})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>breaching SLA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>escalated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{count} chosen incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resolved in a period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>acknowledged in a period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>open at {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Also filtered by: {filters}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Filter from a drill-down</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Form</name>
    <message>
        <source>reporter name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reporter contact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>override reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resolution code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resolution notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type to search categories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Category:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Subcategory:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Affected business service (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reporter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail address or phone number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Contact:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Channel:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Titl&amp;e:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Descriptio&amp;n:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Service:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Impact:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ur&amp;gency:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From the matrix</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Override: {label}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priorit&amp;y:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why the matrix priority is wrong here (required for an override)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Override reason:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assignment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Assignee:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled because:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>FormFields</name>
    <message>
        <source>Priority {priority_label}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status: {label}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Header</name>
    <message>
        <source>Revert</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Throw away your unsaved edits</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save your edits (Ctrl+S)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>● Unsaved changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No incident selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose an incident in the list, or log a new one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edited: {fields}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>HelpWindow</name>
    <message>
        <source>{status} (as a duplicate only)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>— (final)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident Desk help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quick keys</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The incident workflow</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metric definitions</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every command of the window&apos;s menus that has a key. Menus also open with Alt and the underlined letter; Tab moves between the views, the filters, the table and the detail panel.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every incident moves through these statuses; a move the diagram does not show is refused with a message naming the allowed ones. Arcs above go forward, arcs below go back (a reopen, a resumed hold); dashed moves are allowed only when resolving as a duplicate of another incident.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The incident workflow diagram</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open statuses: {statuses}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Can move to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How every figure on the Metrics tab, in the metrics CLI and in the reports is counted.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Help</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ImportWizard</name>
    <message>
        <source>Choose the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An export from ServiceNow, Jira, PagerDuty, any CSV, or this desk&apos;s own JSON export.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Path of the exported file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>F&amp;ormat:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved &amp;mapping:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(none)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exports (*.csv *.txt *.json);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Map the columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headers may be in any language: say which field each column holds, and what its statuses and priorities mean. Nothing is guessed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The file&apos;s first rows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Column in the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Field here</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Value in the file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Means</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Values</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Detect (ask when it cannot tell)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Day first (31/12/2026)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>dmy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Month first (12/31/2026)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>mdy</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Dates:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This machine&apos;s time zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time &amp;zone of times without one:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The format&apos;s name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Source name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sa&amp;ve mapping as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>De&amp;lete saved mapping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reading the file…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{described}; the first {count} rows:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Field for the column {header}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(choose)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What {field} {value} means</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save mapping</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name of the mapping (for files of this tool):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Check</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The whole file is read and checked; nothing is written until you choose Import.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the import would do</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Skip the rows with problems and import the others</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Checking…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident Desk export (JSON)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(not read)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In this wizard: go Back and choose what these values mean in the table of values.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved the mapping &apos;{name}&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted the saved mapping &apos;{name}&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Importing…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{capitalize}… {done:,} of {total:,}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncidentPicker</name>
    <message>
        <source>Choose an incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key (INC-000123) or words from the title, description or comments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Find an incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Matching incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No incident matches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%n matches; choose one with ↓ and Enter.</source>
        <translation>
            <numerusform>%n match; choose one with ↓ and Enter.</numerusform>
            <numerusform>%n matches; choose one with ↓ and Enter.</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IncidentTable</name>
    <message>
        <source>&lt;b&gt;No incidents here&lt;/b&gt;&lt;br&gt;Log one with Ctrl+N, or pick another view or widen the filter (Clear shows every incident, whatever its status).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Columns</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reset columns</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IncidentTableModel</name>
    <message>
        <source>Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Age</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time since the incident was opened (until it ended)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SLA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time left on the nearest SLA target (at risk from 75 %)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No SLA clock runs on a closed incident.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paused, overdue {duration}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On hold; the resolution target was already missed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>paused {duration}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On hold; {duration} of the resolution target remain.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No SLA target for this priority.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The response target passed at {time}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The resolution target passed at {time}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>overdue {duration}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The response target is due at {time}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The resolution target is due at {time}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{duration} left</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>update late {duration}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A public update was due at {time}. {sla}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>update due in {duration}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A public update is due at {time}. {sla}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sort by {column}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On hold ({reason})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority {priority}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{status}; escalated (level {level})</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>IntakeRunner</name>
    <message numerus="yes">
        <source>Intake: listening on {address} · %n alerts · {refused} refused</source>
        <translation>
            <numerusform>Intake: listening on {address} · %n alert · {refused} refused</numerusform>
            <numerusform>Intake: listening on {address} · %n alerts · {refused} refused</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>Intake: listening on {address} · %n alerts</source>
        <translation>
            <numerusform>Intake: listening on {address} · %n alert</numerusform>
            <numerusform>Intake: listening on {address} · %n alerts</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>IntakeStatus</name>
    <message>
        <source>On a team server the intake runs as a service of its own (incident-desk intake), not in a desk window.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Intake failed: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Intake: starting on {address}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The alert intake is not running: {reason} Change it in Settings › Alert intake.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alerts from monitoring: POST /alertmanager, POST /v2/enqueue</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>KnownErrorsPanel</name>
    <message>
        <source>Known error {key}: {title} (also {others})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Known error {key}: {title}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Workaround: {workaround}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Link the new incident to {key}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LinksPanel</name>
    <message>
        <source>Related to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duplicate of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Parent of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Child of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Duplicated by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This incident is</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Link an incident…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Linked incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Relation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove lin&amp;k</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{currenttext} which incident?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>LogDialog</name>
    <message>
        <source>Log an incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What is wrong</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>In a few words, e.g. “VPN drops every ten minutes”</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Title:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the caller sees, since when, who is affected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Description:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type to search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Category:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Su&amp;bcategory:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Urgency:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Impact:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Impact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who reports it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name (recent callers are suggested)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>E-mail address or phone number</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;ontact:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;hannel:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave empty for the queue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Assign to:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tea&amp;m:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Possible duplicates</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>This is the same incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reported &amp;earlier, at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opened:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Solved during the call</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What fixed it (for the next person with the same problem)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Possible duplicates (open incidents)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start typing the title; open incidents with the same words appear here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add this caller&apos;s report as a comment to the selected incident instead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Enter logs · Esc cancels</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Log incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ctrl+Enter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not logged: {exc} Nothing you typed is lost.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>An unnamed caller</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Also reported by {caller}{contact} via {channel}: {title}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Same problem? Select it and press “This is the same incident”.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No open incident shares these words.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard this report?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The form has text in it. Discard it?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Restored the report you were typing at {when}; the desk closed before it was logged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{priority} — Impact {impact} x Urgency {urgency}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unknown category &apos;{strip}&apos;; pick one from the list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Log as resolved</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MainWindow</name>
    <message>
        <source>Incident Desk — {display_name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Views</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>{keys} and %n more</source>
        <translation>
            <numerusform>{keys} and %n more</numerusform>
            <numerusform>{keys} and %n more</numerusform>
        </translation>
    </message>
    <message>
        <source>Unsaved changes kept from before the desk closed: {shown}. Open an incident to see and save them.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No incident selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose an incident in the list (Enter opens it), or log a new one with Ctrl+N.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database: {display_name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in: {display_name} ({role})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Log incident…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log a new incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search incidents by title, description and comments</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the selected incident in the detail panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open in new &amp;window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the selected incident in a window of its own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the changes in the detail panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Back to table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leave the search box or the editor and return to the table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Acknowledge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Acknowledge the selected incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Resolve…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolve the selected incident (asks for a code and notes)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign to &amp;me</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign the selected incident to yourself</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re-read the incidents and counts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save &amp;view as…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the current filter, sort and columns as a view of your own</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Columns…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose which columns the table shows</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Detail panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show or hide the detail panel</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the metrics tab</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Show the incident table</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close Incident Desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;About Incident Desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Version, database and licences</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident Desk &amp;help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quick keys, the incident workflow and the metric definitions (offline)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SLA &amp;&amp; &amp;escalation policies…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Response and resolution targets, business calendar and escalation rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Publish status page…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the static status page (public services, incidents and updates) into a folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish the status page on every public &amp;update</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Each public update posted from this desk republishes the page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Settings…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Appearance, notifications, priorities, categories, people, policies, backups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch &amp;database…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open another desk: a recent one, a file, or a team server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;On-call schedule…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who is on call per team, the coming shifts, rotations and overrides</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;View</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Tools</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Help</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Main toolbar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Audit trail…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign-ins, failed sign-ins, refused actions and account changes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change &amp;password…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your password on this team database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connected to the team server again; the desk has caught up.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team server unreachable: reconnecting… (what you type is kept)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The status page was not published: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{key} is not in the current view.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{key} is {lower}, outside the view: the search now covers every incident.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name of the view:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved the view &apos;{name}&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Deleted the view &apos;{name}&apos;.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Select an incident first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logged {key}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logged {key}; it is not in this view.</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>%Ln incidents</source>
        <translation>
            <numerusform>%Ln incident</numerusform>
            <numerusform>%Ln incidents</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>MetricCharts</name>
    <message>
        <source>Nothing to show
for this period and these filters</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MTTR and MTTA over time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Volume by category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{category} rising</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>offset points</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents opened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SLA compliance by priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>target {target:g} %</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved within target (%)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backlog over time and open incidents by age</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open at the end of each period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open by age</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MetricDefinitions</name>
    <message>
        <source>Metric definitions</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MetricsExport</name>
    <message>
        <source>Volume: {total:,} opened; {resolved:,} resolved; {acknowledged:,} acknowledged.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open backlog at the end of the period: {open:,}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MTTA {mean} (median {median}, p90 {p90}, n = {n:,}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MTTR {mean} (median {median}, p90 {p90}, n = {n:,}); {left_out:,} closed or cancelled without a resolution time left out.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SLA compliance {sla} (target {target:g} %, response {response}); reopen rate {reopen}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>volume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>open backlog</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MTTA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MTTR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SLA compliance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reopen rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} {change} ({verdict})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name} {change}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Against the previous {period}: {changes}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incident Desk metrics</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>business hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>wall clock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, On hold excluded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{period} (UTC), by {by}, {clock}. Generated {generated_at:%Y-%m-%d %H:%M} UTC.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Definitions</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>MetricsTab</name>
    <message>
        <source>Last 4 weeks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 13 weeks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 26 weeks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Last 52 weeks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{definitions}

Click for every definition.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Definition of {about}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Definition</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{describe}; previous: {previous}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>previous {period}: {previous}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Period</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>By {g}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Group by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All teams</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All categories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All priorities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All assignees</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assignee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exclude On hold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Definitions…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What every figure and chart counts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Monthly review…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The month&apos;s review for team leads and the board: figures against the month before, trends, major incidents and action items (PDF, HTML, Markdown)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Figures and charts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Volume</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open backlog</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MTTA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MTTR</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SLA compliance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reopen rate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} as PNG...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{title} as SVG...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Series as CSV...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Whole tab as PDF report...</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Drawing charts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>business hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>wall clock</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>, On hold excluded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updated {time_short} UTC · durations in {clock} · {by}s in UTC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{resolved:,} resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{resolved:,} resolved and {acknowledged:,} acknowledged in the period.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>open now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>open at {time_short} UTC</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Over {n:,} incidents.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Over {n:,} incidents. {left_out:,} closed or cancelled without a resolution time are counted in volumes but left out of MTTR.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>median {median} · p90 {p90}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>target {sla_target_pct:g} % · response {pct}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{reopened:,} of {resolved:,} resolved</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export chart</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export series</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PDF (*.pdf)</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NotificationCenter</name>
    <message>
        <source>Quiet hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Silence desktop alerts between</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Still alert me about P1 escalations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifications still reach this inbox; only pop-ups are held back.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unread only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark the selected notifications read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark all read</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snooze</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide the selected notifications for a while</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snooze {choice}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snooze until tomorrow</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Do not disturb</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Do not disturb now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quiet hours…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Switch off</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No notifications.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} (on)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifications{badge}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>NotificationModel</name>
    <message>
        <source>Received {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Snoozed until {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>snoozed until {time}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>OncallDialog</name>
    <message>
        <source>Coming shifts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rotation of {team}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>account names in order, e.g. ann, bob, carol</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>every day, or e.g. mon-fri</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all day, or e.g. 09:00-17:00</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;People</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Handoff &amp;every</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>First &amp;handoff (local)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time &amp;zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Override for {team}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who covers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On-call schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>To</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rotations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Overrides</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add or change rotation…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove rotation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add &amp;override…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove override</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only leads change rotations and overrides.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The next {strip_days} days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There are no teams yet; add one with `incident-desk users add --team`.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody is on call now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody is on call now: the team has no rotation.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rotation {rotation}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>all the time</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: {people}; handoff every {unit} from {start:%Y-%m-%d %H:%M} {tz}; {where}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Next: {name} from {time_brief}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} (override)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>H&amp;ours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On call now: {who}, until {time}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody is on call in the next two weeks.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Ops</name>
    <message>
        <source>Waiting for the database (another program may be writing to it)…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PolicyEditor</name>
    <message>
        <source>Mon</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tue</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Thu</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Fri</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sun</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not acknowledged after</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share of response target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Share of resolution target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Description</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priorities</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Trigger</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Threshold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Raise level</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Severity</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only a lead or an admin may change policies; you can look at them here.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(nobody yet: double-click to choose)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule {row} needs a time such as 5 min.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule {row}: &apos;{text}&apos; is not a share; write e.g. 75 %.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SLA and escalation policies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SLA targets</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The share of incidents the desk means to resolve within target: the target line on the Metrics tab&apos;s SLA chart.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Response (acknowledge)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business hours only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Targets per priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Policy name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Warn at</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Compliance target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Durations: 15 min, 4 h, 3 bd (business days of the calendar); empty = no target. Targets not limited to business hours run around the clock.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Around the clock (every hour counts)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add holiday</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Working days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Opens</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Holidays</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalation rules</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Remove selected rule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recipients…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose who hears about the selected rule (or double-click its recipients, or press Enter on them)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose recipients with a double-click on them, Enter, or the Recipients… button. Priorities empty = all. A P1 escalation is always sent as critical.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label}: the resolution target is shorter than the response target.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rule {row}: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stored as: {recipients}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>rule {row}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving and recomputing open incidents…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saved; {count:,} open incidents recomputed.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard your changes?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The SLA and escalation policies have changes that are not saved. Discard them?</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PostmortemTab</name>
    <message>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Submit for review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send back…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Approve and publish</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reopen…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export report…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key durations (computed, never typed)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Computed from the incident&apos;s recorded times and the milestones marked on the timeline.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time to detect</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time to acknowledge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time to mitigate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time to resolve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Impact duration</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Response target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolution target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{duration}:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who wrote it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Author:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who was affected, e.g. &apos;Every mailbox of the company&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many (people, customers, orders…)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who was affected:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How long:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Generated from the incident&apos;s events and the comments marked key. Editing it changes the postmortem only; the incident&apos;s own timeline keeps what happened.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time (UTC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What happened</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Marks</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add entry…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Hide / show</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add new events</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add entries for events since the timeline was made; your edits stay</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Key comments…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action items</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Action</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Due</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add action item…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Mark done</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unsaved postmortem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The postmortem of {key} has unsaved changes. Save them?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>required for {priority}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>optional for this priority</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start it now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It can be started once the incident is resolved (it then starts by itself).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>It can be started once the incident is resolved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{key} has no postmortem ({need}). {when}

A postmortem is blameless: it asks what in the system and the process allowed this, never who erred.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>required</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>written by {author}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nobody yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>approved by {approver} {date:%Y-%m-%d}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>version {version}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>unknown (mark when it began)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (resolution)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{status} (overdue)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Blameless wording: describe the conditions, not a culprit ({words}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>still running</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>St&amp;art postmortem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>no owner</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only a lead or an admin approves a postmortem.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{exc} Reload to see their changes; yours are still here to copy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Send back to draft</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What needs work:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reopen for revision</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why it is revised:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a timeline entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit the timeline entry</source>
        <translation type="unfinished"></translation>
    </message>
    <message numerus="yes">
        <source>Added %n entries from the incident&apos;s events.</source>
        <translation>
            <numerusform>Added %n entry from the incident&apos;s events.</numerusform>
            <numerusform>Added %n entries from the incident&apos;s events.</numerusform>
        </translation>
    </message>
    <message>
        <source>{key} has no comments or work notes to mark.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add an action item</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Edit the action item</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ProblemsView</name>
    <message>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Title</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Updated</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Refresh</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not known yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What callers or agents can do meanwhile. A known error shows this in the log dialog when a new report matches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Root cause:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Owner:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Description:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Workaround:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sh&amp;ow:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New pro&amp;blem…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tit&amp;le:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents (double-click to open):</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>INC-000123, 456 …</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Link</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unlink selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All ({sum})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>created {date:%Y-%m-%d} by {who}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resolved {date:%Y-%m-%d}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Progress</name>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>PublicUpdateDialog</name>
    <message>
        <source>Post a public update on {key}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Stakeholders and the status page see these words, with the incident&apos;s title and its public services. Never a comment, a work note, a name or a contact.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;State:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Affected services, separated by commas</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Ser&amp;vices:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Message:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Major incident: keep a cadence of public updates (P1s always do)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only a lead marks an incident as major</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a mail to the subscribers and reporters (in BCC)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the update for chat</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>as Markdown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>as plain text</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy as</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish the status page into {status_folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish the status page (choose its folder in Tools first)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Post update</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write the update&apos;s message.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>RecipientPicker</name>
    <message>
        <source>team {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lead of team {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>lead of the incident&apos;s team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>manager {person}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>manager on duty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>on call for team {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>on call for the incident&apos;s team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the incident&apos;s assignee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A team (everyone in it)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The incident&apos;s assignee</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lead of the incident&apos;s team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Lead of a team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Manager on duty</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A named manager</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On call for the incident&apos;s team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On call for a team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recipients of {rule}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recipients</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Kind of recipient</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Remove selected</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Notify</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>There is no {what} called &apos;{text}&apos;; pick one from the list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Pick a {what} from the list.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type to search</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Nobody to name: the desk finds them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A rule must notify someone; add at least one recipient.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ReportDialogs</name>
    <message>
        <source>PDF</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>HTML</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Markdown</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Format:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;File:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>File</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Write</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a file to write.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Starting…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Wrote {file}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not written: {error}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Still writing; close when it is done.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export the report of {key}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Internal: everything, for the team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Customer: no names, contacts or internal notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Audience:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A customer report uses only a published postmortem; until then it tells what happened from the incident&apos;s own record.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Monthly review</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Month:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Headline figures against the month before, category and MTTR trends over six months, the month&apos;s major incidents with their postmortems, open and overdue action items.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResolutionTab</name>
    <message>
        <source>Resolution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Code:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Root cause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not recorded</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Set root cause</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Root cause:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller confirmation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller &amp;confirmed the fix…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Caller says it is &amp;not fixed…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reopens the incident with the caller&apos;s words</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closing</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Child incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Link to a problem…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unlink</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Postmortem and report</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the postmortem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export report…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The closure report or postmortem as PDF, HTML or Markdown, for the team or for customers</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not resolved yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Confirmed {when}: {caller_confirmation}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not recorded. Ask the caller whether the fix works.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Asked for once the incident is resolved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>
Workaround: {workaround}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not linked to a problem. Link it when incidents like this recur.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{status} (required)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nobody yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Postmortem: {status}; written by {author}, approved by {approver}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Postmortem: {status}; written by {author}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A postmortem is required for {label}: it starts as a draft when the incident is resolved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No postmortem (optional for this priority); start one on the Postmortem tab once the incident is resolved.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed {when} automatically (policy).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closed {when} by {who}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>someone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled {when}: {reason}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A lead may close it now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Once resolved, a lead closes it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{lead}, or the desk closes it by itself on {when} ({auto_close_days} days after resolution). A reopen before then continues this incident.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{lead}; the desk never closes resolved incidents by itself (policy).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{lead}, or the desk closes it {auto_close_days} days after resolution (policy).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No child incidents.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{open_ones} of {count} still open: resolving this incident offers to resolve them the same way.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{open_ones} of {count} still open.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{key}: the caller confirmed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What the caller said:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Record</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. &apos;Printing works again&apos; (optional)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{key}: not fixed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What is still wrong:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The caller&apos;s words; they go on the timeline with the reopen</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ResolveDialog</name>
    <message numerus="yes">
        <source>Also resolve its %n open child incidents the same way</source>
        <translation>
            <numerusform>Also resolve its %n open child incident the same way</numerusform>
            <numerusform>Also resolve its %n open child incidents the same way</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>SavedViews</name>
    <message>
        <source>Give the view a name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The view name is {count} characters long; keep it under {max_name}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open incidents assigned to {username}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open incidents nobody has taken yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every open incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Critical and high priority, open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open incidents past a response or resolution target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for the caller, a vendor or a change</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved or closed in the last 7 days</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Every incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>My open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Unassigned</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>P1/P2 open</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Breaching SLA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On hold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolved (7 days)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>All</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;{name}&apos; is a built-in view; choose another name.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SessionGuard</name>
    <message>
        <source>Your session was idle longer than {minutes} minutes.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your role is now {role}; close the desk (Cancel) and open it again to work as {role_with_article}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{reason} Sign in again to go on; nothing you typed is lost.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Settings</name>
    <message>
        <source>Settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Search settings</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type words such as tray, backup or matrix: the list keeps the pages that have them</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Settings pages</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No settings page matches.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>OK</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Apply</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsAppearance</name>
    <message>
        <source>Follow the &amp;system</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Always &amp;light</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Always &amp;dark</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{theme_env_var} is set, so it decides the scheme while it is.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsBackup</name>
    <message>
        <source>the backups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type the folder for the backups, or press Default.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;{path}&apos; is not a full path; give one that starts at the root, e.g. {example}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{existing} is a file, not a folder; choose a folder for {what}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder {existing} cannot be written by you; choose one of your own.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backup folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse for the backup folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Default</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Use the default backup folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> daily backups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How many daily backups to keep</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Keep the last:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A team server is backed up by its administrator (pg_dump); the desk makes no daily copy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Folder for the daily backups</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsBase</name>
    <message>
        <source>Why this page is read-only</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problem on this page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are {role}; {refusal}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsCategories</name>
    <message>
        <source>(a new category)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A rename also renames it on the incidents filed under it. A category incidents use is retired rather than deleted: it is offered for no new incident, and old incidents, filters and metrics keep it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Category / subcategory</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>State</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Categories and subcategories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New category or subcategory name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. Printing or Label printer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add under</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Add</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Under:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Chosen category&apos;s name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Rename</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Rename category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Re&amp;tire</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retire or bring back the category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Delete</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete category</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>C&amp;hosen:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Retired</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>under {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Bring back</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A category name needs 1 to 100 characters.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type the name of the category or subcategory to add.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsClosure</name>
    <message>
        <source>Postmortem required for {priority_label}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>never</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> days after resolution</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close resolved incidents automatically after days (0: never)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Postmortem required for:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close &amp;automatically:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The desk that scans for escalations closes each due incident once, as &apos;system (auto-close)&apos;, and catches up after downtime. A reopen before then continues the incident.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsDialog</name>
    <message>
        <source>Appearance</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How the desk looks on this computer. The change shows at once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backups</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Each day the desk copies its database to a dated file while it keeps working, and deletes the oldest beyond the number kept. These choices belong to this database on this computer.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only a lead or an admin may back up the database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Categories</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What incidents are filed under, in two levels. New names are offered in the log dialog at once.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only a lead or an admin may add, rename, retire or delete categories.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Closure and postmortems</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What closing an incident asks for, and when a resolved incident closes by itself.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only a lead or an admin may change the closure policy.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alert intake</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Monitoring tools open, update and resolve incidents by sending their alerts to the intake (Alertmanager&apos;s webhook, PagerDuty&apos;s Events API). The window can run it in the background; `incident-desk intake` runs it without a window. One intake runs per database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only a lead or an admin may set up the alert intake.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifications</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How escalations and notes reach you. The tray and sound choices belong to this computer; your quiet hours are kept in the database and follow you to any desk.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>On-call rotations</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Per team, who is on call: rotations hand off at a local time every so many hours, days or weeks, and overrides let someone cover. Escalations reach the person on call first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only a lead or an admin may change rotations.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Teams and people</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Everyone who works incidents here, with the role that decides what they may do: agents work incidents, leads also close and change policies, admins also manage people.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only an admin may add people or choose team leads.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SLA policies and business calendar</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>How fast each priority must be answered and resolved, and the hours that count.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SLA</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalation policies</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who is told, and when, as an incident nears or passes its targets.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>escalation</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority matrix</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The priority a new incident gets from its impact (rows) and urgency (columns). Open incidents keep theirs; a lead may still override one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only an admin may change the priority matrix.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The status page is a folder of plain files (pages, status.json, an Atom feed) that any web server or shared folder can serve. Only public services, incident titles and public updates go in it.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only an agent or above may publish the status page.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsIntake</name>
    <message>
        <source>&amp;Run the intake in this desk&apos;s window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Run the alert intake in this window</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Listen address (host:port)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a file holding the token senders present (16 characters or more)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Token file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse for the token file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Alert mapping (JSON)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Listen on:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Token file:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Mapping:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The mapping turns alerts into incidents: severity to priority, default category, how many minutes group alerts into one incident, routing rules on labels.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The intake&apos;s token file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The mapping is not JSON ({exc}).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the token file the senders&apos; token is kept in.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsNotifications</name>
    <message>
        <source>Show an icon in the system &amp;tray (with alert messages)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Beep when an alert pops up</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Minimise to the tray: closing the window keeps the desk running there</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quiet hours: hold back pop-ups between</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quiet hours start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quiet hours end</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Still alert me about &amp;P1 escalations in quiet hours</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>From</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time &amp;zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Notifications still reach your inbox in quiet hours; only pop-ups and beeps wait.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Minimising to the tray needs the tray icon; switch the icon on or leave the window to close.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsOncall</name>
    <message>
        <source>Who is on call now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open the on-call schedule…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the on-call schedule</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Calendar apps can import the shifts: incident-desk oncall export TEAM --ics FILE.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{team}: {person} on call now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No team has a rotation yet: escalations go to team leads and the manager on duty.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Look at the on-call schedule…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsPeople</name>
    <message>
        <source>People</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add a person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. anna.rossi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New person&apos;s username</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. Anna Rossi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New person&apos;s display name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New person&apos;s role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New person&apos;s team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add &amp;person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add person</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Username:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Display name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Role:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Team:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team lead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Username</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Role</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Leads</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(no team)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Person to lead the team</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Make &amp;lead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Make lead</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Te&amp;am:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>L&amp;ed by:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (deactivated)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type the new person&apos;s username.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a team and the person to lead it.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsPolicies</name>
    <message>
        <source>{title} now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Open the {what} editor…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the {what} editor</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Saving there recomputes the due times of open incidents.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You are {role}; only a lead or an admin may change {what} policies.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Look at the {what} editor…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Policy: {name}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Business calendar: {timezone}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label}: no target</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>none</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{priority}: respond within {response}, resolve within {resolve} (business hours)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{priority}: respond within {response}, resolve within {resolve}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsPriorityMatrix</name>
    <message>
        <source>Impact ↓  Urgency →</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} urgency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{label} impact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Priority for {impact} impact and {urgency} urgency</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A higher impact or urgency never gives a less urgent priority.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsServices</name>
    <message>
        <source>Services</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The business services incidents affect, each with the team that owns it. A service incidents name is retired rather than deleted: it is offered for no new incident but stays on the old ones.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>only a lead or an admin may change services.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SettingsStatuspage</name>
    <message>
        <source>e.g. /srv/www/status or a shared folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Status page folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse for the status page folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish again after every public &amp;update posted from this desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish the status page on every public update</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Folder:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Tools → Publish status page… writes it now.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Publish the status page into</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose the folder first: publishing on every update needs one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>the status page</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SignInDialog</name>
    <message>
        <source>Make the first admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in to Incident Desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The team database {where} is empty. Make its first admin: the account that adds everyone else.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in to the team database {where}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Admin user name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The same again:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Create admin and sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sign in</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type your user name.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The two passwords differ.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signing in…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Change the password of {username}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Current password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>New password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The two new passwords differ.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SlaPanel</name>
    <message>
        <source>Response:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolution:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> — due {time}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>StatusPageText</name>
    <message numerus="yes">
        <source>%n public services</source>
        <translation>
            <numerusform>%n public service</numerusform>
            <numerusform>%n public services</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n incidents</source>
        <translation>
            <numerusform>%n incident</numerusform>
            <numerusform>%n incidents</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>StatuspageActions</name>
    <message>
        <source>Publish the status page into</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Published the status page into {folder}: {services}, {incidents}.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>SwitchDatabase</name>
    <message>
        <source>Switch database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open another desk. The window closes and opens again on the one you choose; unsaved edits are asked about first.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Recent databases:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Recent databases</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>  (open now)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Or a database &amp;file or team server address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Database file or team server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>/path/to/desk.db or postgresql://user@host:5432/incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Browse…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Browse for a database file</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open a desk database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Desk databases (*.db);;All files (*)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Only a team server&apos;s connection is tested; a file is checked when it opens.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing the connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something went wrong: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a recent database, or type a file path or a team server address.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>That desk is open now; choose another one.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The folder of {url} does not exist.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TeamSignIn</name>
    <message>
        <source>Type your user name on the team server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type your password.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{username} is now the first admin of this team database.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Signed in as {display_name} ({role}).</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Theme</name>
    <message>
        <source>Critical</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>High</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Moderate</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Low</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Planning</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{priority} {name}</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TimelineModel</name>
    <message>
        <source>reporter name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>reporter contact</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>override reason</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resolution code</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>resolution notes</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>major incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>as a duplicate of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>as duplicated by</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>as related to</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>as parent of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>as a child of</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>(empty)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> ({note})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} logged the incident “{title}”{note}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Logged the incident “{title}”{note}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>a field</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} changed {field} {old} -&gt; {new}{note}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed {field} {old} -&gt; {new}{note}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} changed status {old} -&gt; {new}{note}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changed status {old} -&gt; {new}{note}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source> (was {previous})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} moved it to team {new}{was}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Moved it to team {new}{was}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} assigned it to {new}{was}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assigned it to {new}{was}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>nobody</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} cleared the team (was {previous})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cleared the team (was {previous})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} cleared the assignee (was {previous})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cleared the assignee (was {previous})</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} commented</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Commented</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} added a work note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Added a work note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} removed the link {relation} {key}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Removed the link {relation} {key}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} linked this {relation} {key}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Linked this {relation} {key}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} posted a public update: {state} on {services}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Posted a public update: {state} on {services}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} posted a public update: {state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Posted a public update: {state}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} sent the reporter an update at {address}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent the reporter an update at {address}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} sent the reporter an update</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Sent the reporter an update</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalated to {level}{note} by {who}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalated to {level}{note}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalated{note} by {who}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Escalated{note}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>SLA: {detail}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>changed watching</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TimelineView</name>
    <message>
        <source>WORK NOTE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>COMMENT</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>REPORTER UPDATED</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>PUBLIC UPDATE</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>ESCALATION</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>STATUS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Write a comment (part of the record the reporter is told about) or an internal work note (for the desk only)…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Comment or work note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add &amp;work note</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Internal: never sent to the reporter</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Add &amp;comment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Timeline</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TransferActions</name>
    <message>
        <source>&amp;Import…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Import incidents from another tool&apos;s export or from this desk&apos;s JSON export</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Export view…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Save the incidents of this view, in its order, as CSV</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Back up now…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy the database to a file while the desk keeps working</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open the &amp;daily backups folder</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Export view</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>CSV files (*.csv)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exporting the view…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Exported {n:,} incidents to {path}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Back up the database</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Databases (*.db)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backing up to {path}…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Backed up the database to {path}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Daily backups (the last {keep}) are kept in {folder}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Daily backup written to {path} (the last {keep} are kept).</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancelled; nothing was written.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Tray</name>
    <message>
        <source>{summary} — {p1} P1</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Log incident…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Latest alerts</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>No alerts yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Do not disturb</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep running in the tray when closed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{app} — no unread notifications</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>TrayController</name>
    <message numerus="yes">
        <source>{key}: %n new alerts</source>
        <translation>
            <numerusform>{key}: %n new alert</numerusform>
            <numerusform>{key}: %n new alerts</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new escalations</source>
        <translation>
            <numerusform>%n new escalation</numerusform>
            <numerusform>%n new escalations</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>%n new notifications</source>
        <translation>
            <numerusform>%n new notification</numerusform>
            <numerusform>%n new notifications</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>… and %n more in the notification centre</source>
        <translation>
            <numerusform>… and %n more in the notification centre</numerusform>
            <numerusform>… and %n more in the notification centre</numerusform>
        </translation>
    </message>
    <message numerus="yes">
        <source>{app} — %n unread notifications</source>
        <translation>
            <numerusform>{app} — %n unread notification</numerusform>
            <numerusform>{app} — %n unread notifications</numerusform>
        </translation>
    </message>
</context>
<context>
    <name>ViewsPanel</name>
    <message>
        <source>Views</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>VIEWS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>MY VIEWS</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your view &apos;{name}&apos;</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Delete view &apos;{name}&apos;</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Welcome</name>
    <message>
        <source>Welcome to Incident Desk</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Where should your incidents live?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>You can change this later with File → Switch database…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Just me on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Just me on this computer</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>One file in your user data folder ({local_path}); no sign-in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>My &amp;team&apos;s server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>My team&apos;s server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A PostgreSQL database the whole team shares; everyone signs in.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your name</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. Anna Rossi</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your &amp;name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load &amp;demo data ({demo_count:,} sample incidents over the last six months) to try the desk out</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Load demo data</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server address</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>postgresql://user@host:5432/incidents</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test &amp;connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Test connection</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Server &amp;address:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connection test result</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>User name on the server</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;User name:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Password</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Password:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Initialise this empty database and make me its admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Initialise this empty database as its admin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your name and role come from your account on the server.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Problem</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Progress</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Quit</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Something went wrong: {exc}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Testing the connection…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type the name the desk should show for you.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setting up your desk… Writing the demo incidents takes a few seconds.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Setting up your desk…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Connecting to the server…</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Window</name>
    <message>
        <source>Incident</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>Workflow</name>
    <message>
        <source>Discard what you wrote?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The text you wrote here is not saved anywhere. Discard it?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolve {key}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolve</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a resolution code…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What was done, so the next person can repeat it</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Not known yet</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolution &amp;code:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Notes:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Root ca&amp;use:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Choose a resolution code.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel {key}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Why is this incident cancelled? (logged twice, not an incident, …)</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reason:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Keep incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Give a reason for cancelling.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put {key} on hold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put on hold</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Waiting for:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Optional: what exactly are we waiting for?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Note:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The resolution clock pauses while the incident is on hold.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Update the reporter of {key}</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your message to the reporter:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>e.g. We have found the cause and expect a fix by 3 pm.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Preview:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Open in &amp;mail client</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Copy status summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Discard your message?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your message to the reporter was neither mailed nor copied. Discard it?</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Someone else saved this incident</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>When</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Who</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>What changed</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>System</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Someone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{who} saved {key} after you opened it, so your edits were not saved yet. This is what changed meanwhile:</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Changes made meanwhile</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Your unsaved edits: {mine}.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Reapply my edits on the new version</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Discard my edits</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>WorkflowBar</name>
    <message>
        <source>Acknowledge</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Put on hold…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolve…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Close</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Cancel incident…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Start work</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resume work</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Reopen</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Resolve as duplicate of…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Watch</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Get a notification when this incident changes or gets a comment</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Assign to me</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Update the reporter…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Copy status summary</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&amp;Post update…</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>A public update for stakeholders and the status page</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Watching</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>ZonePicker</name>
    <message>
        <source>Type to search, e.g. Berlin</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Time zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>{name}: {offset} now</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>Type part of a place name, e.g. Berlin, and pick the zone</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>The time zone is empty; pick one from the list, such as Europe/Berlin.</source>
        <translation type="unfinished"></translation>
    </message>
    <message>
        <source>&apos;{text}&apos; is not a known time zone; pick one from the list, such as Europe/Berlin.</source>
        <translation type="unfinished"></translation>
    </message>
</context>
<context>
    <name>_ReportDialog</name>
    <message numerus="yes">
        <source>Wrote {file} (and %n chart files).</source>
        <translation>
            <numerusform>Wrote {file} (and %n chart file).</numerusform>
            <numerusform>Wrote {file} (and %n chart files).</numerusform>
        </translation>
    </message>
</context>
</TS>
