/** English texts of members' data rights. */
export const privacyEn = {
  'privacy.exported': 'Your data in {community}',
  'privacy.exportBody': 'Everything Lyceum holds about this member here: {rows} records from {tables} tables, as JSON.',
  'privacy.deleteTitle': 'Delete your data in {community}?',
  'privacy.deleteWarning': 'This erases your profile, progress, comments, ratings and support conversations here, and ends your membership. Purchases stay in the accounts under "Deleted member", with nothing that names you. It cannot be undone.',
  'privacy.deleteWarningFor': "This erases the member's profile, progress, comments, ratings and support conversations here, and ends their membership. Purchases stay in the accounts under \"Deleted member\". It cannot be undone.",
  'privacy.deleteConfirm': 'Delete for good',
  'privacy.cancelFirst': 'A subscription here could still charge this member: cancel it first (/cancel), then delete.',
  'privacy.deleted': 'Done: your data in {community} is erased.',
  'privacy.deletedFor': "Done: the member's data in {community} is erased.",
  'help.privacy': '/privacy export|delete: a file of everything Lyceum holds about you here, or erase it',
  'command.privacy': 'Your data in this community',
  'command.privacy.export': 'Get a file of everything Lyceum holds about you here',
  'command.privacy.member': 'Owners and creators: the member who asked for their data',
  'command.privacy.delete': 'Erase what Lyceum holds about you here (asks first)',
} as const;
