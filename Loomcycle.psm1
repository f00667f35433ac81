# Loads the build that fits this edition: .NET Framework (Windows PowerShell 5.1) gets the
# netstandard2.0 assemblies, PowerShell 7.4+ gets the net8.0 ones. Third-party dependencies sit
# in a deps/ folder beside them and are resolved privately by the module (see DependencyResolver).
$edition = if ($PSEdition -eq 'Core') { 'Core' } else { 'Desktop' }
$binary = [System.IO.Path]::Combine($PSScriptRoot, 'bin', $edition, 'Loomcycle.PowerShell.dll')
Import-Module -Name $binary -ErrorAction Stop
