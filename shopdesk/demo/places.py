"""Where demo customers live: names, cities, streets and postcodes per country, in each country's style.

Only a handful of believable places per country; customers' emails use the example.* domains only.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True, slots=True)
class City:
    name: str
    region: str
    postcode: str  # a pattern: '#' is a random digit, '@' a random capital letter
    sales_tax_percent: Decimal = Decimal(0)  # US sales tax; elsewhere prices include VAT


@dataclass(frozen=True, slots=True)
class Country:
    code: str
    locales: tuple[str, ...]
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    streets: tuple[str, ...]
    cities: tuple[City, ...]
    number_first: bool = True  # "12 Orchard Street" (True) or "Hauptstraße 12" (False)
    gateway: str = ""  # where international parcels enter the country


D = Decimal
EN_FIRST = (
    "Olivia",
    "Liam",
    "Emma",
    "Noah",
    "Ava",
    "Ethan",
    "Mia",
    "Lucas",
    "Grace",
    "Owen",
    "Chloe",
    "Henry",
    "Zoe",
    "Isaac",
    "Maya",
    "Leo",
    "Nora",
    "Caleb",
    "Ruby",
    "Jack",
)
EN_LAST = (
    "Smith",
    "Johnson",
    "Brown",
    "Taylor",
    "Wilson",
    "Martin",
    "Clarke",
    "Walker",
    "Hughes",
    "Evans",
    "Bennett",
    "Carter",
    "Foster",
    "Reyes",
    "Nguyen",
    "Patel",
    "Kim",
    "Okafor",
    "Murphy",
    "Hart",
)

COUNTRIES: dict[str, Country] = {
    c.code: c
    for c in (
        Country(
            "US",
            ("en_US",),
            EN_FIRST,
            EN_LAST,
            (
                "Orchard Street",
                "Maple Avenue",
                "Elm Street",
                "Sunset Boulevard",
                "Lake Shore Drive",
                "Pine Road",
            ),
            (
                City("New York", "NY", "100##", D("8.875")),
                City("Brooklyn", "NY", "112##", D("8.875")),
                City("Los Angeles", "CA", "900##", D("9.5")),
                City("Chicago", "IL", "606##", D("10.25")),
                City("Austin", "TX", "787##", D("8.25")),
                City("Seattle", "WA", "981##", D("10.35")),
                City("Portland", "OR", "972##", D("0")),
                City("Miami", "FL", "331##", D("7")),
            ),
            gateway="New York JFK, NY",
        ),
        Country(
            "CA",
            ("en_CA", "fr_CA"),
            (*EN_FIRST, "Élodie", "Mathieu"),
            (*EN_LAST, "Tremblay", "Gagnon"),
            ("Queen Street West", "Rue Sainte-Catherine", "Granville Street", "Jasper Avenue"),
            (
                City("Toronto", "ON", "M5V #@#"),
                City("Montréal", "QC", "H2X #@#"),
                City("Vancouver", "BC", "V6B #@#"),
                City("Calgary", "AB", "T2P #@#"),
            ),
            gateway="Mississauga, ON",
        ),
        Country(
            "GB",
            ("en_GB",),
            ("Oliver", "Amelia", "George", "Isla", "Harry", "Poppy", "Alfie", "Freya"),
            ("Jones", "Williams", "Davies", "Robinson", "Wright", "Thompson", "Green", "Hall"),
            ("High Street", "Station Road", "Church Lane", "Victoria Road", "Mill Lane"),
            (
                City("London", "", "SW1A #@@"),
                City("Manchester", "", "M1 #@@"),
                City("Bristol", "", "BS1 #@@"),
                City("Edinburgh", "", "EH1 #@@"),
                City("Leeds", "", "LS1 #@@"),
            ),
            gateway="East Midlands Airport",
        ),
        Country(
            "DE",
            ("de_DE",),
            ("Lukas", "Anna", "Felix", "Lea", "Jonas", "Marie"),
            ("Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Becker"),
            ("Hauptstraße", "Gartenstraße", "Bahnhofstraße", "Schillerstraße"),
            (
                City("Berlin", "", "10###"),
                City("Hamburg", "", "20###"),
                City("München", "", "80###"),
                City("Köln", "", "50###"),
            ),
            number_first=False,
            gateway="Leipzig Hub",
        ),
        Country(
            "FR",
            ("fr_FR",),
            ("Léa", "Hugo", "Chloé", "Louis", "Camille", "Jules"),
            ("Martin", "Bernard", "Dubois", "Laurent", "Moreau", "Lefèvre"),
            ("rue de Rivoli", "avenue Victor Hugo", "rue de la République", "boulevard Voltaire"),
            (
                City("Paris", "", "750##"),
                City("Lyon", "", "6900#"),
                City("Marseille", "", "130##"),
                City("Bordeaux", "", "330##"),
            ),
            gateway="Paris Charles de Gaulle",
        ),
        Country(
            "NL",
            ("nl_NL",),
            ("Daan", "Emma", "Sem", "Julia", "Lucas", "Sophie"),
            ("de Jong", "Jansen", "de Vries", "van den Berg", "Bakker", "Visser"),
            ("Keizersgracht", "Hoofdstraat", "Dorpsstraat", "Kerkstraat"),
            (
                City("Amsterdam", "", "10## @@"),
                City("Rotterdam", "", "30## @@"),
                City("Utrecht", "", "35## @@"),
            ),
            number_first=False,
            gateway="Eindhoven Hub",
        ),
        Country(
            "IT",
            ("it_IT",),
            ("Giulia", "Marco", "Sofia", "Luca", "Chiara", "Matteo"),
            ("Rossi", "Russo", "Ferrari", "Esposito", "Bianchi", "Romano"),
            ("Via Roma", "Via Garibaldi", "Corso Vittorio Emanuele", "Via Dante"),
            (City("Milano", "MI", "201##"), City("Roma", "RM", "001##"), City("Torino", "TO", "101##")),
            number_first=False,
            gateway="Milano Malpensa",
        ),
        Country(
            "ES",
            ("es_ES",),
            ("Lucía", "Hugo", "Martina", "Pablo", "Paula", "Daniel"),
            ("García", "Fernández", "González", "Rodríguez", "López", "Martínez"),
            ("Calle Mayor", "Gran Vía", "Calle de Alcalá", "Avenida Diagonal"),
            (City("Madrid", "", "280##"), City("Barcelona", "", "080##"), City("Valencia", "", "460##")),
            number_first=False,
            gateway="Madrid Barajas",
        ),
        Country(
            "IE",
            ("en_IE",),
            ("Aoife", "Cian", "Saoirse", "Oisín"),
            ("Murphy", "Kelly", "O'Brien", "Byrne"),
            ("Grafton Street", "Main Street", "O'Connell Street"),
            (City("Dublin", "", "D02 @###"), City("Cork", "", "T12 @###")),
            gateway="Dublin Airport",
        ),
        Country(
            "SE",
            ("sv_SE",),
            ("Elsa", "William", "Alice", "Hugo"),
            ("Andersson", "Johansson", "Karlsson", "Nilsson"),
            ("Drottninggatan", "Storgatan", "Kungsgatan"),
            (City("Stockholm", "", "111 ##"), City("Göteborg", "", "411 ##")),
            number_first=False,
            gateway="Stockholm Arlanda",
        ),
        Country(
            "BE",
            ("nl_BE", "fr_BE"),
            ("Louise", "Arthur", "Elise", "Victor"),
            ("Peeters", "Janssens", "Maes", "Dubois"),
            ("Meir", "Rue Neuve", "Veldstraat"),
            (City("Antwerpen", "", "2000"), City("Bruxelles", "", "1000"), City("Gent", "", "9000")),
            number_first=False,
            gateway="Brussels Airport",
        ),
        Country(
            "PL",
            ("pl_PL",),
            ("Zuzanna", "Jakub", "Julia", "Antoni"),
            ("Nowak", "Kowalski", "Wiśniewski", "Wójcik"),
            ("ulica Marszałkowska", "ulica Floriańska", "ulica Piotrkowska"),
            (City("Warszawa", "", "00-###"), City("Kraków", "", "31-###")),
            number_first=False,
            gateway="Warszawa Chopin",
        ),
        Country(
            "AT",
            ("de_AT",),
            ("Paul", "Laura", "Elias", "Hannah"),
            ("Gruber", "Huber", "Wagner", "Pichler"),
            ("Mariahilfer Straße", "Getreidegasse"),
            (City("Wien", "", "10#0"), City("Salzburg", "", "5020")),
            number_first=False,
            gateway="Wien Schwechat",
        ),
        Country(
            "AU",
            ("en_AU",),
            (*EN_FIRST[:10], "Charlotte", "Cooper"),
            (*EN_LAST[:10], "Kelly", "Ryan"),
            ("George Street", "Collins Street", "Queen Street", "Hay Street"),
            (
                City("Sydney", "NSW", "2000"),
                City("Melbourne", "VIC", "3000"),
                City("Brisbane", "QLD", "4000"),
                City("Perth", "WA", "6000"),
            ),
            gateway="Sydney Gateway",
        ),
        Country(
            "NZ",
            ("en_NZ",),
            ("Isla", "Oliver", "Aria", "Nikau"),
            ("Wilson", "Ngata", "Thompson", "Parata"),
            ("Queen Street", "Lambton Quay", "Colombo Street"),
            (City("Auckland", "", "1010"), City("Wellington", "", "6011"), City("Christchurch", "", "8011")),
            gateway="Auckland Airport",
        ),
        Country(
            "JP",
            ("ja_JP",),
            ("Yui", "Haruto", "Aoi", "Sota", "Hina", "Ren"),
            ("Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito"),
            ("1-2-3 Jingumae", "4-5-6 Shibuya", "2-1-1 Umeda", "3-7-1 Sakae"),
            (
                City("Shibuya-ku, Tokyo", "Tokyo", "150-####"),
                City("Osaka", "Osaka", "530-####"),
                City("Nagoya", "Aichi", "460-####"),
            ),
            gateway="Tokyo Narita",
        ),
        Country(
            "BR",
            ("pt_BR",),
            ("Ana", "Pedro", "Beatriz", "Gabriel"),
            ("Silva", "Santos", "Oliveira", "Souza"),
            ("Avenida Paulista", "Rua Oscar Freire", "Rua Augusta"),
            (City("São Paulo", "SP", "01310-###"), City("Rio de Janeiro", "RJ", "22071-###")),
            number_first=False,
            gateway="São Paulo Guarulhos",
        ),
        Country(
            "MX",
            ("es_MX",),
            ("Valentina", "Santiago", "Regina", "Mateo"),
            ("Hernández", "García", "Martínez", "López"),
            ("Avenida Reforma", "Calle Madero", "Avenida Juárez"),
            (City("Ciudad de México", "CDMX", "06600"), City("Guadalajara", "JAL", "44100")),
            number_first=False,
            gateway="Ciudad de México Airport",
        ),
        Country(
            "ZA",
            ("en_ZA",),
            ("Thandiwe", "Sipho", "Lerato", "Pieter"),
            ("Dlamini", "Nkosi", "van der Merwe", "Botha"),
            ("Long Street", "Jan Smuts Avenue", "Florida Road"),
            (City("Cape Town", "WC", "8001"), City("Johannesburg", "GP", "2196")),
            gateway="Johannesburg O. R. Tambo",
        ),
        Country(
            "SG",
            ("en_SG",),
            ("Wei Ling", "Jun Jie", "Hui Min", "Arjun"),
            ("Tan", "Lim", "Lee", "Raj"),
            ("Orchard Road", "Tanjong Pagar Road"),
            (City("Singapore", "", "23####"),),
            gateway="Singapore Changi",
        ),
    )
}

# How demo orders spread over destinations (weights); every zone of the default policy is covered.
COUNTRY_WEIGHTS: tuple[tuple[str, int], ...] = (
    ("US", 41),
    ("CA", 8),
    ("GB", 11),
    ("DE", 5),
    ("FR", 4),
    ("NL", 3),
    ("IT", 2),
    ("ES", 2),
    ("IE", 1),
    ("SE", 1),
    ("BE", 1),
    ("PL", 1),
    ("AT", 1),
    ("AU", 6),
    ("NZ", 1),
    ("JP", 4),
    ("BR", 2),
    ("MX", 2),
    ("ZA", 1),
    ("SG", 1),
)
EMAIL_DOMAINS = ("example.com", "example.org", "example.net")

# Where each warehouse hands parcels to each carrier, and the carrier's hub near it.
WAREHOUSE_TOWNS = {"us-nj": "Edison, NJ, US", "eu-nl": "Venlo, NL", "au-syd": "Sydney, NSW, AU"}
ORIGIN_HUBS = {
    ("us-nj", "usps"): "Kearny, NJ, US (USPS distribution center)",
    ("us-nj", "ups"): "Secaucus, NJ, US (UPS hub)",
    ("us-nj", "fedex"): "Newark, NJ, US (FedEx hub)",
    ("us-nj", "dhl"): "Jamaica, NY, US (DHL gateway JFK)",
    ("eu-nl", "dhl"): "Eindhoven, NL (DHL hub)",
    ("au-syd", "dhl"): "Mascot, NSW, AU (DHL gateway)",
    ("au-syd", "fedex"): "Sydney Airport, AU (FedEx)",
}
US_REGIONAL_HUBS = {
    "NY": "Jersey City, NJ",
    "CA": "Los Angeles, CA",
    "IL": "Chicago, IL",
    "TX": "Dallas, TX",
    "WA": "Seattle, WA",
    "OR": "Portland, OR",
    "FL": "Orlando, FL",
}
