"""Fill locale/de/LC_MESSAGES/django.po with the German interface texts kept here.

Run after `manage.py makemessages -l de` (make messages does both, then compiles): texts not
in GERMAN stay untranslated and are listed, so a new string cannot slip through unnoticed.
"""

import sys
from pathlib import Path

import polib

GERMAN = {
    "Other": "Sonstige",
    "Maximum flood extent": "Maximale Überflutungsfläche",
    "Every pixel the Global Flood Monitoring ensemble saw flooded at least once during the "
    "September 2024 floods, from six days of GFM observations, with odc-stac.": "Jedes Pixel, "
    "das das Global-Flood-Monitoring-Ensemble während des Hochwassers im September 2024 "
    "mindestens einmal überflutet sah, aus sechs Tagen GFM-Beobachtungen, mit odc-stac.",
    "Sentinel-2 NDVI": "Sentinel-2-NDVI",
    "The median summer vegetation index near Klagenfurt from Sentinel-2 L2A red and "
    "near-infrared bands, leaving out scenes with more than 20 % cloud (a CQL2 filter).": "Der "
    "mittlere sommerliche Vegetationsindex (Median) bei Klagenfurt aus den Rot- und "
    "Nahinfrarotbändern von Sentinel-2 L2A, ohne Szenen mit mehr als 20 % Bewölkung "
    "(ein CQL2-Filter).",
    "Orthophoto mosaic": "Orthofoto-Mosaik",
    "The Tamsweg orthophotos, 1 m tiles in MGI / Austria GK Central (EPSG:31255), merged into "
    "one image with rasterio over HTTP range requests.": "Die Orthofotos von Tamsweg, 1-m-Kacheln "
    "in MGI / Austria GK Central (EPSG:31255), mit rasterio über HTTP-Range-Anfragen zu einem "
    "Bild zusammengefügt.",
    "Gallery": "Galerie",
    "Example analyses of the catalogue's data. Each program finds its items through this "
    "portal's STAC API and reads the pixels over HTTP; copy it and run it as it is. The "
    "previews are the same searches drawn by the portal's tile server.": "Beispielanalysen mit "
    "den Daten des Katalogs. Jedes Programm findet seine Elemente über die STAC-API dieses "
    "Portals und liest die Pixel über HTTP; kopieren Sie es und führen Sie es so aus, wie es "
    "ist. Die Vorschauen zeigen dieselben Suchen, gezeichnet vom Kachelserver des Portals.",
    "Preview of “%(title)s” drawn by the tile server": "Vorschau von „%(title)s“, gezeichnet "
    "vom Kachelserver",
    "Copied": "Kopiert",
    "Copy failed": "Kopieren fehlgeschlagen",
    "Copy code": "Code kopieren",
    "Needs <code>pystac-client</code>, <code>odc-stac</code>, <code>rasterio</code> and "
    "<code>matplotlib</code>; writes <code>%(output)s</code>.": "Benötigt "
    "<code>pystac-client</code>, <code>odc-stac</code>, <code>rasterio</code> und "
    "<code>matplotlib</code>; schreibt <code>%(output)s</code>.",
    "General": "Allgemein",
    "n/a": "k. A.",
    "yes": "ja",
    "no": "nein",
    "All": "Alle",
    "Featured": "Empfohlen",
    "Skip to content": "Zum Inhalt springen",
    "Main": "Hauptmenü",
    "Menu": "Menü",
    "Explore": "Erkunden",
    "Data Catalogue": "Datenkatalog",
    "Documentation": "Dokumentation",
    "Log out": "Abmelden",
    "Log in": "Anmelden",
    "Language": "Sprache",
    "Switch": "Wechseln",
    "Open-source data-catalogue explorer for Earth-observation data described by STAC.": "Quelloffener Datenkatalog für Erdbeobachtungsdaten, beschrieben mit STAC.",
    "Logged out": "Abgemeldet",
    "Back to the portal": "Zurück zum Portal",
    "Username": "Benutzername",
    "Password": "Passwort",
    "Restricted": "Eingeschränkt",
    "%(counter)s item": ("%(counter)s Element", "%(counter)s Elemente"),
    "Keywords": "Schlagwörter",
    "Orthophotos, Sentinel-1 and Sentinel-2 collections as STAC: open a collection to see what "
    "it holds, explore its items over a map, or load them in Python through the STAC API.": "Orthofotos, Sentinel-1- und Sentinel-2-Kollektionen als STAC: Öffnen Sie eine "
    "Kollektion, um zu sehen, was sie enthält, erkunden Sie ihre Elemente auf einer Karte "
    "oder laden Sie sie in Python über die STAC-API.",
    "Log in to see restricted collections.": "Melden Sie sich an, um eingeschränkte Kollektionen zu sehen.",
    "Search collections": "Kollektionen durchsuchen",
    "Title, description or keyword": "Titel, Beschreibung oder Schlagwort",
    "Search": "Suchen",
    "Categories": "Kategorien",
    "No collection matches your search.": "Keine Kollektion passt zu Ihrer Suche.",
    "The catalogue is empty. Load the demo with": "Der Katalog ist leer. Laden Sie die Demo mit",
    "Breadcrumbs": "Brotkrumen",
    "Explore these items": "Diese Elemente erkunden",
    "STAC JSON": "STAC-JSON",
    "Spatial extent on a map": "Räumliche Ausdehnung auf einer Karte",
    "Temporal extent": "Zeitliche Ausdehnung",
    "Spatial extent": "Räumliche Ausdehnung",
    "License": "Lizenz",
    "Providers": "Anbieter",
    "Summaries": "Übersicht der Eigenschaften",
    "Assets of each item": "Dateien jedes Elements",
    "Key": "Schlüssel",
    "Title": "Titel",
    "Media type": "Medientyp",
    "Roles": "Rollen",
    "Map of the matching items": "Karte der passenden Elemente",
    "Dataset": "Datensatz",
    "All datasets": "Alle Datensätze",
    "Acquired": "Aufgenommen",
    "From": "Von",
    "To": "Bis",
    "Area": "Gebiet",
    "Anywhere": "Überall",
    "Use map view": "Kartenausschnitt verwenden",
    "Draw rectangle": "Rechteck zeichnen",
    "Clear area": "Gebiet entfernen",
    "Drag on the map to draw; Esc cancels. Keyboard: arrow keys move the rectangle, "
    "Shift+arrow keys resize it, Enter applies.": (
        "Zum Zeichnen auf der Karte ziehen; Esc bricht ab. Tastatur: Pfeiltasten verschieben "
        "das Rechteck, Umschalt+Pfeiltasten ändern seine Größe, Eingabe übernimmt es."
    ),
    "Enter coordinates": "Koordinaten eingeben",
    "West": "West",
    "East": "Ost",
    "South": "Süd",
    "North": "Nord",
    "Enter all four numbers, in degrees.": "Bitte alle vier Zahlen in Grad eingeben.",
    "Longitudes (west, east) lie between −180 and 180, latitudes (south, north) between −90 and 90.": (
        "Längengrade (West, Ost) liegen zwischen −180 und 180, Breitengrade (Süd, Nord) "
        "zwischen −90 und 90."
    ),
    "West must be less than east.": "West muss kleiner als Ost sein.",
    "South must be less than north.": "Süd muss kleiner als Nord sein.",
    "Apply area": "Gebiet anwenden",
    "Properties": "Eigenschaften",
    "any": "beliebig",
    "at least": "mindestens",
    "at most": "höchstens",
    "Apply filters": "Filter anwenden",
    "Reset": "Zurücksetzen",
    "Showing %(counter)s item that matched your filter": (
        "%(counter)s Element entspricht Ihrem Filter",
        "%(counter)s Elemente entsprechen Ihrem Filter",
    ),
    "Showing more than %(counter)s items that matched your filter": "Mehr als %(counter)s Elemente entsprechen Ihrem Filter",
    "Result pages": "Ergebnisseiten",
    # The explore form and its results: apply on demand, sort, page size, empty states.
    "Changed filters apply when you press Apply filters or Enter.": "Geänderte Filter gelten, "
    "sobald Sie „Filter anwenden“ oder die Eingabetaste drücken.",
    "Results": "Ergebnisse",
    "This collection has items from %(first)s to %(last)s": "Diese Sammlung hat Elemente vom "
    "%(first)s bis zum %(last)s",
    "search those dates": "diesen Zeitraum durchsuchen",
    "Fewer filters find more items:": "Weniger Filter finden mehr Elemente:",
    "clear the filters of this dataset": "die Filter dieses Datensatzes zurücksetzen",
    "clear all filters": "alle Filter zurücksetzen",
    "Sort": "Sortierung",
    "Per page": "Pro Seite",
    "Newest first": "Neueste zuerst",
    "Oldest first": "Älteste zuerst",
    "lowest first": "niedrigste zuerst",
    "highest first": "höchste zuerst",
    "A to Z": "A bis Z",
    "Z to A": "Z bis A",
    "Image preview": "Bildvorschau",
    "View": "Ansicht",
    "List": "Liste",
    "Map": "Karte",
    "Previous": "Zurück",
    "Next": "Weiter",
    "Earth-observation data, ready to explore": "Erdbeobachtungsdaten, bereit zum Erkunden",
    "Browse orthophotos, Sentinel-1 and Sentinel-2 collections, filter their items over a map "
    "and load them in Python through the STAC API.": "Durchsuchen Sie Orthofoto-, Sentinel-1- und Sentinel-2-Kollektionen, filtern Sie ihre "
    "Elemente auf einer Karte und laden Sie sie in Python über die STAC-API.",
    "Open the data catalogue": "Datenkatalog öffnen",
    "Explore items on a map": "Elemente auf der Karte erkunden",
    "Featured collections": "Empfohlene Kollektionen",
    "Map of the item": "Karte des Elements",
    "Item details": "Details des Elements",
    "Metadata": "Metadaten",
    "Assets": "Dateien",
    "Download": "Herunterladen",
    "Copy URL": "URL kopieren",
    "Show image previews on the map": "Bildvorschau auf der Karte zeigen",
    "Preview unavailable": "Vorschau nicht verfügbar",
    "Loading preview…": "Vorschau wird geladen …",
    "Parts of the preview could not be drawn": "Teile der Vorschau konnten nicht gezeichnet werden",
    "Loading…": "Wird geladen …",
    "Image unavailable": "Bild nicht verfügbar",
    "This item has no assets.": "Dieses Element hat keine Dateien.",
    "This item has no footprint: its STAC document gives no geometry, so there is nothing to "
    "show on a map.": "Dieses Element hat keinen Umriss: Sein STAC-Dokument nennt keine "
    "Geometrie, daher gibt es nichts auf einer Karte zu zeigen.",
    # Accounts, tokens and sharing
    "Token name": "Name des Tokens",
    "What will use it, e.g. “laptop notebook” or “nightly job”.": "Wofür er gedacht ist, z. B. "
    "„Notebook am Laptop“ oder „nächtlicher Job“.",
    "Only the collection's owner and administrators share it.": "Nur die Eigentümerin oder der "
    "Eigentümer der Sammlung und Administratoren können sie teilen.",
    "Name either a user or a group.": "Nennen Sie entweder einen Benutzer oder eine Gruppe.",
    "The expiry date is in the past.": "Das Ablaufdatum liegt in der Vergangenheit.",
    "There is no user %(name)s.": "Es gibt keinen Benutzer %(name)s.",
    "There is no group %(name)s.": "Es gibt keine Gruppe %(name)s.",
    "Share with": "Teilen mit",
    "a user": "einem Benutzer",
    "a group": "einer Gruppe",
    "Username or group name": "Benutzername oder Gruppenname",
    "Until (optional)": "Bis (optional)",
    "Access ends at the end of this day (UTC).": "Der Zugriff endet mit Ablauf dieses Tages (UTC).",
    "Shared with %(name)s.": "Freigegeben für %(name)s.",
    "The share has ended.": "Die Freigabe ist beendet.",
    "Your account": "Ihr Konto",
    "E-mail": "E-Mail",
    "Groups": "Gruppen",
    "none": "keine",
    "Restricted collections you can see": "Eingeschränkte Sammlungen, die Sie sehen",
    "Change your password": "Passwort ändern",
    "API tokens": "API-Tokens",
    "Programs use a token instead of your password: send it as <code>Authorization: Bearer "
    "&lt;token&gt;</code> to the STAC API, the tiles and the data files. A token acts as you; "
    "revoke it when it is no longer needed.": "Programme verwenden statt Ihres Passworts einen "
    "Token: Senden Sie ihn als <code>Authorization: Bearer &lt;token&gt;</code> an die "
    "STAC-API, die Kacheln und die Datendateien. Ein Token handelt in Ihrem Namen; widerrufen "
    "Sie ihn, wenn er nicht mehr gebraucht wird.",
    "How to use tokens": "So verwenden Sie Tokens",
    "Your new token. Copy it now: it will not be shown again.": "Ihr neuer Token. Kopieren Sie "
    "ihn jetzt: Er wird nicht noch einmal angezeigt.",
    "Copy": "Kopieren",
    "Your API tokens": "Ihre API-Tokens",
    "Name": "Name",
    "Starts with": "Beginnt mit",
    "Created": "Erstellt",
    "Last used": "Zuletzt verwendet",
    "Actions": "Aktionen",
    "never": "nie",
    "Revoke the token %(name)s": "Den Token %(name)s widerrufen",
    "Revoke": "Widerrufen",
    "You have no API tokens yet.": "Sie haben noch keine API-Tokens.",
    "Create a token": "Token erstellen",
    "Create token": "Token erstellen",
    "your account": "Ihr Konto",
    "Too many failed logins": "Zu viele fehlgeschlagene Anmeldungen",
    "Logging in is locked after too many wrong passwords. Try again in %(cooloff_time)s.": "Die "
    "Anmeldung ist nach zu vielen falschen Passwörtern gesperrt. Versuchen Sie es in "
    "%(cooloff_time)s wieder.",
    "Logging in is locked after too many wrong passwords. An administrator can unlock it.": "Die "
    "Anmeldung ist nach zu vielen falschen Passwörtern gesperrt. Ein Administrator kann sie "
    "entsperren.",
    "Forgot your password?": "Passwort vergessen?",
    "Signing in with %(provider)s did not work. Try again, or log in with your password.": "Die "
    "Anmeldung mit %(provider)s hat nicht funktioniert. Versuchen Sie es erneut oder melden Sie "
    "sich mit Ihrem Passwort an.",
    "Log in with %(provider)s": "Mit %(provider)s anmelden",
    "Password changed": "Passwort geändert",
    "Your password is changed.": "Ihr Passwort ist geändert.",
    "Change the password": "Passwort ändern",
    "Password set": "Passwort gesetzt",
    "Your new password is set.": "Ihr neues Passwort ist gesetzt.",
    "Choose a new password": "Neues Passwort wählen",
    "Set the password": "Passwort setzen",
    "This link has been used already or has expired. Ask for a new one.": "Dieser Link wurde "
    "bereits verwendet oder ist abgelaufen. Fordern Sie einen neuen an.",
    "Reset your password": "Passwort zurücksetzen",
    "Check your e-mail": "Prüfen Sie Ihre E-Mails",
    "If an account has this address, a link to choose a new password is on its way. It works "
    "once, for a few days.": "Wenn ein Konto diese Adresse hat, ist ein Link zum Wählen eines "
    "neuen Passworts unterwegs. Er funktioniert einmal und einige Tage lang.",
    "Enter the e-mail address of your account; we will send you a link to choose a new "
    "password.": "Geben Sie die E-Mail-Adresse Ihres Kontos ein; wir senden Ihnen einen Link, "
    "mit dem Sie ein neues Passwort wählen.",
    "Send the link": "Link senden",
    "Who has access": "Wer Zugriff hat",
    "This collection is public: everyone sees it. Shares count when it is restricted.": "Diese "
    "Sammlung ist öffentlich: Alle sehen sie. Freigaben zählen, wenn sie eingeschränkt ist.",
    "Administrators see every collection.": "Administratoren sehen jede Sammlung.",
    "Who": "Wer",
    "How": "Wie",
    "Until": "Bis",
    "Group": "Gruppe",
    "owner": "Eigentümer",
    "granted by an administrator": "von einem Administrator gewährt",
    "shared": "freigegeben",
    "expired": "abgelaufen",
    # the button "End share", continued for screen readers: "End share with Bob"
    "with %(name)s": "für %(name)s",
    "End share": "Freigabe beenden",
    "Share with user/group": "Mit Benutzer/Gruppe teilen",
    "Share": "Teilen",
    # STAC field labels (web/field_labels.py)
    "Time of Data": "Aufnahmezeit",
    "Start Time": "Beginn",
    "End Time": "Ende",
    "Description": "Beschreibung",
    "Platform": "Plattform",
    "Instruments": "Instrumente",
    "Constellation": "Konstellation",
    "Mission": "Mission",
    "GSD": "Bodenauflösung (GSD)",
    "Cloud Cover": "Bewölkung",
    "Spectral Bands": "Spektralbänder",
    "EPSG Code": "EPSG-Code",
    "Bounding Box": "Begrenzungsrahmen",
    "Image Dimensions": "Bildgröße",
    "Transformation Matrix": "Transformationsmatrix",
    "Orbit State": "Orbitrichtung",
    "Rel. Orbit Number": "Rel. Orbitnummer",
    "Frequency Band": "Frequenzband",
    "Instrument Mode": "Aufnahmemodus",
    "Polarizations": "Polarisationen",
    "Product Type": "Produkttyp",
    "Grid Square": "Gitterquadrat",
    "Latitude Band": "Breitenband",
    "UTM Zone": "UTM-Zone",
    "Processing Baseline": "Prozessierungs-Baseline",
    "Electro-Optical": "Elektrooptisch",
    "Projection": "Projektion",
    "Satellite": "Satellit",
    "Updated": "Aktualisiert",
    "Code snippet": "Code-Schnipsel",
    "Code snippet for search results": "Code-Schnipsel für die Suchergebnisse",
    "Download results:": "Ergebnisse herunterladen:",
    "This snippet cannot be made:": "Dieser Code-Schnipsel lässt sich nicht erstellen:",
    "Show it on the portal": "Im Portal ansehen",
    "Programming language": "Programmiersprache",
    "This data is restricted: the code reads your API token from the environment variable "
    "<code>%(name)s</code>.": "Diese Daten sind zugangsbeschränkt: Der Code liest Ihr API-Token "
    "aus der Umgebungsvariable <code>%(name)s</code>.",
    "Download notebook": "Notebook herunterladen",
    "Code": "Code",
    "The code could not be loaded": "Der Code konnte nicht geladen werden",
    "Close": "Schließen",
    "Link to this snippet": "Link zu diesem Code-Schnipsel",
    "Python (one item)": "Python (ein Element)",
    "Jupyter notebook": "Jupyter-Notebook",
    "Bad request": "Ungültige Anfrage",
    "The portal cannot answer this request as it is.": "Das Portal kann diese Anfrage so nicht "
    "beantworten.",
    "Not allowed": "Nicht erlaubt",
    "This request is not allowed. If you sent a form, reload its page and try again.": "Diese "
    "Anfrage ist nicht erlaubt. Wenn Sie ein Formular gesendet haben, laden Sie seine Seite neu "
    "und versuchen Sie es noch einmal.",
    "Page not found": "Seite nicht gefunden",
    "There is no page at this address, or you may not see it.": "Unter dieser Adresse gibt es "
    "keine Seite, oder Sie dürfen sie nicht sehen.",
    "Something went wrong": "Etwas ist schiefgegangen",
    "The portal failed to answer this request. The failure is logged; please try again later.": "Das Portal konnte diese Anfrage nicht beantworten. Der Fehler wurde protokolliert; bitte "
    "versuchen Sie es später noch einmal.",
    "Start this page again without parameters": "Diese Seite ohne Parameter neu beginnen",
    "Temporarily unavailable": "Vorübergehend nicht verfügbar",
    "The catalogue is temporarily unavailable. Please try again in a few seconds.": "Der "
    "Katalog ist vorübergehend nicht erreichbar. Bitte versuchen Sie es in ein paar Sekunden "
    "erneut.",
    "The request took too long and was stopped. Narrow it (fewer items, a smaller area or a "
    "simpler filter) or try again later.": "Die Anfrage hat zu lange gedauert und wurde "
    "abgebrochen. Schränken Sie sie ein (weniger Elemente, ein kleineres Gebiet oder ein "
    "einfacherer Filter) oder versuchen Sie es später erneut.",
    # The item page (issue 16): back link, render choice, legend, raster status, asset details.
    "Back to results": "Zurück zu den Ergebnissen",
    "Image on the map": "Bild auf der Karte",
    "Render": "Darstellung",
    "Show": "Anzeigen",
    "Opacity": "Deckkraft",
    "Legend: %(title)s": "Legende: %(title)s",
    "Colour scale from %(low)s to %(high)s": "Farbskala von %(low)s bis %(high)s",
    "not drawn": "nicht gezeichnet",
    "Loading the image…": "Bild wird geladen …",
    "The image could not be loaded.": "Das Bild konnte nicht geladen werden.",
    "no such render (known: %s)": "keine solche Darstellung (bekannt: %s)",
    "File size": "Dateigröße",
    "Bands of %(title)s": "Bänder von %(title)s",
    "Classes of %(title)s": "Klassen von %(title)s",
    "Value": "Wert",
    "Class": "Klasse",
    "Colour": "Farbe",
    "Common Name": "Gebräuchlicher Name",
    "Center Wavelength": "Zentrale Wellenlänge",
    "No-data value": "Nodata-Wert",
    "Data type": "Datentyp",
    "Unit": "Einheit",
    "Scale": "Skalierung",
    "Offset": "Versatz",
    "Licensor": "Lizenzgeber",
    "Producer": "Hersteller",
    "Processor": "Verarbeiter",
    "Host": "Bereitsteller",
    "Data": "Daten",
    "Preview": "Vorschau",
    "Overview": "Übersicht",
    "Visualization": "Visualisierung",
    # Issue 16: German for the maps' controls, band fields, roles and explanations
    "Code: %(name)s.py": "Quelltext: %(name)s.py",
    "Zoom in": "Vergrößern",
    "Zoom out": "Verkleinern",
    "Drag to rotate map, click to reset north": "Ziehen, um die Karte zu drehen; klicken, um "
    "sie nach Norden auszurichten",
    "Toggle attribution": "Quellenangaben ein-/ausblenden",
    "Map feedback": "Rückmeldung zur Karte",
    "Enter fullscreen": "Vollbild",
    "Exit fullscreen": "Vollbild beenden",
    "Close popup": "Popup schließen",
    "Map marker": "Kartenmarkierung",
    "MapLibre logo": "MapLibre-Logo",
    "Use Ctrl + scroll to zoom the map": "Strg + Scrollen zum Zoomen der Karte",
    "Use ⌘ + scroll to zoom the map": "⌘ + Scrollen zum Zoomen der Karte",
    "Use two fingers to move the map": "Verschieben Sie die Karte mit zwei Fingern",
    "Mgrs Tile": "MGRS-Kachel",
    "Wavelength": "Wellenlänge",
    "FWHM": "Halbwertsbreite",
    "Ground Sample Distance": "Bodenauflösung",
    "Relative Orbit Number": "Relative Orbitnummer",
    "The center wavelength of the band": "Die mittlere Wellenlänge des Bandes",
    "Full Width Half Max": "Halbwertsbreite (FWHM)",
    "Illustration": "Abbildung",
    "Reflectance": "Reflexionsgrad",
    "Backscatter": "Rückstreuung",
    # Issue 16: German for sharing (refused shares, the name lookup)
    "%(name)s owns this collection.": "%(name)s ist Eigentümer dieser Kollektion.",
    "The group %(name)s already has access (granted by an administrator).": "Die Gruppe "
    "%(name)s hat bereits Zugriff (von einem Administrator gewährt).",
    "%(name)s already has access: the collection is shared with them.": "%(name)s hat bereits "
    "Zugriff: Die Kollektion ist bereits für sie freigegeben.",
    "kind: either user or group.": "kind: entweder user oder group.",
    "q: from %(min)d to %(max)d characters.": "q: %(min)d bis %(max)d Zeichen.",
}


def main(path: Path) -> int:
    po = polib.pofile(str(path))
    missing = []
    for entry in po:
        german = GERMAN.get(entry.msgid)
        if german is None:
            # msgmerge's guess for a new text (a similar old one's German) stays marked fuzzy,
            # so that tests/test_i18n.py fails until the text is translated here.
            missing.append(entry.msgid)
            continue
        if isinstance(german, tuple):
            entry.msgstr_plural = {0: german[0], 1: german[1]}
        else:
            entry.msgstr = german
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
            # msgmerge's guess (#| msgid ...) is moot once the text is translated here.
            entry.previous_msgid = entry.previous_msgid_plural = entry.previous_msgctxt = None
    po.metadata["Language"] = "de"
    po.metadata["Plural-Forms"] = "nplurals=2; plural=(n != 1);"
    po.save()
    for msgid in missing:
        print(f"untranslated: {msgid!r}", file=sys.stderr)
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(Path(__file__).parent / "de" / "LC_MESSAGES" / "django.po"))
