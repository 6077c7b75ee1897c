; Inno Setup script: installs the PyInstaller one-folder build for every user of the office PC.
; Build after the PyInstaller step (dist\safedesk), passing the version from pyproject.toml:
;     iscc /DAppVersion=0.1.0 packaging\safedesk.iss
; (.github/workflows/windows.yml reads the version and does both steps.)
;
; The school's records live in the data folder, C:\ProgramData\safedesk, which every Windows
; account on this PC shares. The installer creates it, readable and writable by the PC's own
; users; the uninstaller never deletes it and says where it is.

#ifndef AppVersion
  #error Pass the version from pyproject.toml: iscc /DAppVersion=X.Y.Z packaging\safedesk.iss
#endif

[Setup]
AppId={{6E0F3C1A-5B7D-4E2A-9C41-2F8D7A5B1E90}
AppName=safedesk
AppVersion={#AppVersion}
AppVerName=safedesk {#AppVersion}
AppPublisher=safedesk
VersionInfoVersion={#AppVersion}
DefaultDirName={autopf}\safedesk
DefaultGroupName=safedesk
DisableProgramGroupPage=yes
OutputDir=..\dist
OutputBaseFilename=safedesk-{#AppVersion}-setup
PrivilegesRequired=admin
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
UninstallDisplayIcon={app}\safedesk.exe
UninstallDisplayName=safedesk {#AppVersion}
Compression=lzma2
SolidCompression=yes
WizardStyle=modern
CloseApplications=yes

[Files]
Source: "..\dist\safedesk\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion createallsubdirs

[Dirs]
; Shared by every Windows account on this PC (BUILTIN\Users may read and write it);
; never removed by the uninstaller: it holds the school's records.
Name: "{commonappdata}\safedesk"; Permissions: users-modify; Flags: uninsneveruninstall

[Icons]
Name: "{group}\safedesk"; Filename: "{app}\safedesk.exe"; WorkingDir: "{app}"
Name: "{group}\Uninstall safedesk"; Filename: "{uninstallexe}"
Name: "{autodesktop}\safedesk"; Filename: "{app}\safedesk.exe"; WorkingDir: "{app}"

[Run]
; [Dirs] only adds rights: a folder someone made there before the install would stay theirs.
; Take it back: owned by Administrators; SYSTEM and Administrators full control, the PC's
; users modify; nothing inherited from ProgramData (no CREATOR OWNER, no Everyone).
Filename: "{sys}\icacls.exe"; Parameters: """{commonappdata}\safedesk"" /setowner *S-1-5-32-544 /T /C /Q"; Flags: runhidden waituntilterminated
Filename: "{sys}\icacls.exe"; Parameters: """{commonappdata}\safedesk"" /inheritance:r /grant:r *S-1-5-18:(OI)(CI)F *S-1-5-32-544:(OI)(CI)F *S-1-5-32-545:(OI)(CI)M /T /C /Q"; Flags: runhidden waituntilterminated
Filename: "{app}\safedesk.exe"; Description: "Start safedesk now"; Flags: nowait postinstall skipifsilent

[UninstallDelete]
; Nothing here on purpose: only the program's own files (listed above) are removed.

[Code]
procedure CurUninstallStepChanged(CurUninstallStep: TUninstallStep);
begin
  if (CurUninstallStep = usPostUninstall) and not UninstallSilent() then
    MsgBox('safedesk has been removed from this PC.' + #13#10 + #13#10 +
      'The school''s records have NOT been deleted. They are still in:' + #13#10 +
      ExpandConstant('{commonappdata}\safedesk') + #13#10 + #13#10 +
      'Keep that folder (and your backups) for as long as the school must keep its ' +
      'safeguarding records. Installing safedesk again opens them as before.',
      mbInformation, MB_OK);
end;
