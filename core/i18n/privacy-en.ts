/** English texts of members' data rights. */
export const privacyEn = {
  'privacy.exported': 'Your data in {community}',
  'privacy.exportBody': 'Everything Lyceum holds about this member here: {rows} records from {tables} tables, as JSON.',
  'help.privacy': '/privacy export: a file of everything Lyceum holds about you here',
  'command.privacy': 'Your data in this community',
  'command.privacy.export': 'Get a file of everything Lyceum holds about you here',
  'command.privacy.member': 'Owners and creators: the member who asked for their data',
} as const;
