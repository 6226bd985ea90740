// The access types of the shell's commands (vault-api.md), until `make bindings` makes them.
export type Role = 'therapist' | 'prescriber' | 'clinical_director';
export type User = { id: number; name: string; role: Role; created_at: string; active: boolean; has_pin: boolean };
export type FolderState = 'new' | 'plaintext' | 'encrypted' | 'unavailable';
export type UserChoice = { id: number; name: string };
export type AccessStatus = {
  folder: FolderState;
  users: UserChoice[];
  signed_in: User | null;
  locked: boolean;
  pin_allowed: boolean;
  lock_after_min: number;
  passphrase_min_chars: number;
  session_open: boolean;
};
export type FirstRun = { user: User; recovery_key: string; encrypted_existing: boolean };
export type AccessErrorKind = 'wrong_secret' | 'try_later' | 'key_file' | 'wrong_key' | 'not_signed_in';
