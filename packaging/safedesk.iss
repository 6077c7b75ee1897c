; Inno Setup script: installs the PyInstaller folder build for all users of the office PC.
; Build: iscc packaging\safedesk.iss after the PyInstaller step (dist\safedesk).
[Setup]
AppName=safedesk
AppVersion=0.1.0
DefaultDirName={autopf}\safedesk
DefaultGroupName=safedesk
OutputBaseFilename=safedesk-setup
PrivilegesRequired=admin
Compression=lzma2
SolidCompression=yes

[Files]
Source: "..\dist\safedesk\*"; DestDir: "{app}"; Flags: recursesubdirs ignoreversion

[Icons]
Name: "{group}\safedesk"; Filename: "{app}\safedesk.exe"
Name: "{autodesktop}\safedesk"; Filename: "{app}\safedesk.exe"
