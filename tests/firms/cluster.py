"""A constructed cluster for the matching tests: 22 firms and 56 open opportunities in Spanish
and English, each opportunity with the firm that fits it best, or None when no firm does (the
traps: "seguridad" meaning guards, "red" meaning roads or care, "cadena de frío", and plain
works and supplies)."""

from __future__ import annotations

from datetime import timedelta

from core import clock
from firms.profiles import Firm
from search.document import Document

BOTH = ("funding_call", "tender")
# id, name, canton, interests, topics ([] = suggested), description
FIRMS = [
    ("sensores-cafe", "Sensores del General", "Pérez Zeledón", BOTH, ["iot", "agritech"],
     "Diseñamos redes de sensores IoT para fincas de café: humedad del suelo, estaciones "
     "meteorológicas y riego automatizado con LoRaWAN. Alertas de roya para caficultores."),
    ("acuicultura-iot", "Estanques Inteligentes", "Golfito", BOTH, [],
     "Sondas de oxígeno disuelto y temperatura en estanques de tilapia y camarón, con sensores "
     "IoT conectados a una aplicación que avisa al productor. Monitoreo de calidad del agua."),
    ("brunca-ciber", "Brunca Ciberdefensa", "Pérez Zeledón", BOTH, ["cybersecurity"],
     "Auditorías de ciberseguridad, pruebas de penetración y respuesta a incidentes para "
     "municipalidades y cooperativas. Operamos un centro de operaciones de seguridad (SOC)."),
    ("osa-cloud", "Osa Cloud Works", "Osa", BOTH, ["cloud"],
     "We migrate public institutions and small businesses to the cloud, run managed hosting, "
     "cloud backups and disaster recovery on AWS and Azure."),
    ("golfito-datos", "Golfito Datos", "Golfito", ("funding_call",), [],
     "Ciencia de datos y aprendizaje automático para el sector pesquero: tableros de "
     "indicadores, análisis de datos de captura y modelos predictivos de demanda."),
    ("robotica-escolar", "Coto Brus Robótica Educativa", "Coto Brus", ("funding_call",),
     ["edtech", "robotics"],
     "Clubes de robótica educativa y programación para escuelas y colegios rurales; kits de "
     "robótica, guías para docentes y plataformas de aprendizaje en línea."),
    ("frontera-pagos", "Frontera Pagos", "Corredores", BOTH, ["fintech"],
     "Mobile payments and remittance apps for merchants at the Paso Canoas border: QR payments, "
     "digital wallets and SINPE Móvil integrations for small shops."),
    ("solar-ba", "Energía Solar Buenos Aires", "Buenos Aires", ("tender",), ["cleantech"],
     "Instalación de paneles solares fotovoltaicos y microrredes para escuelas, EBAIS y "
     "territorios indígenas, con baterías y monitoreo remoto del consumo eléctrico."),
    ("sur-telecom", "Sur Telecom", "Pérez Zeledón", BOTH, ["telecom"],
     "Tendido de fibra óptica, enlaces inalámbricos y torres de telecomunicaciones para dar "
     "conectividad a internet a comunidades rurales; proyectos financiados por FONATEL."),
    ("salud-sur", "Salud Digital del Sur", "Pérez Zeledón", BOTH, ["healthtech"],
     "Plataformas de telemedicina y expediente clínico electrónico para clínicas y EBAIS; "
     "citas médicas en línea y consultas a distancia con especialistas."),
    ("muni-soft", "MuniSoft", "Osa", ("tender",), ["govtech", "software"],
     "Desarrollamos sistemas para municipalidades: trámites en línea, permisos de construcción, "
     "cobro de patentes e impuestos municipales y ventanilla única digital."),
    ("drones-sur", "Drones del Sur", "Buenos Aires", BOTH, ["robotics"],
     "Drone mapping and aerial surveys: orthophotos, crop health imaging with multispectral "
     "cameras, forest cover monitoring and inspection of power lines."),
    ("vr-turismo", "Realidad Sur", "Osa", ("funding_call",), ["ar_vr"],
     "Recorridos de realidad virtual y aplicaciones de realidad aumentada para parques "
     "nacionales, museos y hoteles; experiencias inmersivas de la Península de Osa."),
    ("juegos-brunca", "Brunca Games", "Pérez Zeledón", ("funding_call",), ["gaming"],
     "Independent video game studio: we design and publish mobile games and 2D and 3D "
     "animation, and take part in game jams and game development accelerators."),
    ("tienda-sur", "Tienda Sur Digital", "Golfito", BOTH, ["ecommerce"],
     "Tiendas en línea, comercio electrónico y marketing digital para pymes turísticas y "
     "artesanos: catálogos, pasarelas de pago, redes sociales y posicionamiento en buscadores."),
    ("cafe-ledger", "Coffee Ledger", "Coto Brus", ("funding_call",), ["blockchain"],
     "Blockchain traceability for specialty coffee: every lot recorded on a distributed ledger "
     "from farm to exporter, with smart contracts and NFT certificates of origin."),
    ("equipos-sur", "Equipos y Redes del Sur", "Corredores", ("tender",), ["it_hardware"],
     "Venta e instalación de computadoras, servidores, impresoras, equipo de cómputo y "
     "cableado estructurado para instituciones públicas; soporte técnico y garantía."),
    ("asistentes-ia", "Southern AI Assistants", "Pérez Zeledón", BOTH, [],
     "We build chatbots and conversational assistants with large language models and natural "
     "language processing for customer service of cooperatives and hotels."),
    ("electronica-osa", "Electrónica Osa", "Osa", BOTH, ["electronics"],
     "Diseño de circuitos impresos, sistemas embebidos con microcontroladores y prototipos "
     "electrónicos; fabricación de tarjetas y pruebas de hardware."),
    ("talento-ti", "Talento TI Zona Sur", "Golfito", ("funding_call",), ["digital_skills"],
     "Bootcamps de programación, becas y cursos de certificación en nube y ciberseguridad para "
     "jóvenes y mujeres de la Zona Sur; empleabilidad en tecnología."),
    ("datos-abiertos", "Open Data Brunca", "Pérez Zeledón", ("tender",), ["data"],
     "We build open data portals, data warehouses and business intelligence dashboards with "
     "Power BI for public institutions; data governance and statistics."),
    ("software-medida", "Código Sur", "Corredores", BOTH, ["software"],
     "Desarrollo de software a la medida: aplicaciones web y móviles, sistemas de inventario "
     "y facturación, integración de sistemas y mantenimiento de aplicaciones."),
]

# id, kind, title, text, the best firm (None: no firm fits)
OPPORTUNITIES = [
    ("o01", "funding_call", "Fondo para agricultura de precisión en café",
     "Se financian proyectos de sensores de humedad del suelo y riego automatizado en fincas de "
     "café de la Región Brunca.", "sensores-cafe"),
    ("o02", "tender", "Licitación: estaciones meteorológicas IoT para caficultores",
     "La cooperativa adquiere estaciones meteorológicas conectadas y sensores para monitorear "
     "sus fincas de café en Pérez Zeledón.", "sensores-cafe"),
    ("o03", "funding_call", "Call for proposals: smart aquaculture",
     "Grants for dissolved oxygen monitoring and water quality sensors in tilapia and shrimp "
     "farms.", "acuicultura-iot"),
    ("o04", "tender", "Compra de sondas de oxígeno para estanques de acuicultura",
     "El INCOPESCA requiere sondas de oxígeno disuelto y medidores de calidad del agua para "
     "estanques de tilapia en Golfito.", "acuicultura-iot"),
    ("o05", "tender", "Contratación de auditoría de ciberseguridad municipal",
     "La Municipalidad requiere pruebas de penetración, análisis de vulnerabilidades y un plan "
     "de respuesta a incidentes de ciberseguridad.", "brunca-ciber"),
    ("o06", "funding_call", "Cybersecurity resilience fund for SMEs",
     "Funding for ransomware protection, security operations center services and incident "
     "response for small businesses.", "brunca-ciber"),
    ("o07", "tender", "Cloud migration of the university's systems",
     "The university seeks a provider to migrate its servers to the cloud, with managed hosting "
     "and cloud backup.", "osa-cloud"),
    ("o08", "funding_call", "Programa de adopción de computación en la nube",
     "Apoyo a pymes para migrar a la nube sus sistemas y respaldos, con servicios de nube "
     "pública.", "osa-cloud"),
    ("o09", "funding_call", "Fondo de ciencia de datos para el sector pesquero",
     "Se financian proyectos de análisis de datos y aprendizaje automático para predecir la "
     "demanda y ordenar los datos de captura de la flota pesquera.", "golfito-datos"),
    ("o10", "funding_call", "Machine learning for fisheries management",
     "Grants for predictive models and data analytics dashboards that help fishing "
     "cooperatives plan their catch.", "golfito-datos"),
    ("o11", "funding_call", "Convocatoria: robótica educativa en escuelas rurales",
     "El MEP financia kits de robótica educativa y clubes de programación para escuelas "
     "rurales, con formación de docentes.", "robotica-escolar"),
    ("o12", "funding_call", "Educational robotics and coding clubs",
     "Funding for robotics kits and programming clubs in rural secondary schools.",
     "robotica-escolar"),
    ("o13", "funding_call", "Digital payments for border merchants",
     "Grants for mobile payment and digital wallet solutions that bring QR payments to small "
     "shops.", "frontera-pagos"),
    ("o14", "tender", "Plataforma de remesas y pagos móviles",
     "El banco comunal contrata una aplicación de pagos móviles y remesas con integración a "
     "SINPE Móvil.", "frontera-pagos"),
    ("o15", "tender", "Instalación de paneles solares en escuelas",
     "Licitación para sistemas solares fotovoltaicos con baterías en escuelas del cantón de "
     "Buenos Aires.", "solar-ba"),
    ("o16", "tender", "Solar microgrids for indigenous territories",
     "Supply and installation of solar photovoltaic microgrids with remote monitoring for "
     "health posts.", "solar-ba"),
    ("o17", "tender", "Tendido de fibra óptica para comunidades rurales",
     "FONATEL contrata redes de fibra óptica y enlaces inalámbricos para dar acceso a internet "
     "a comunidades rurales.", "sur-telecom"),
    ("o18", "funding_call", "Rural connectivity fund",
     "Funding for telecommunications towers and broadband internet access in underserved "
     "rural communities.", "sur-telecom"),
    ("o19", "tender", "Sistema de telemedicina para EBAIS",
     "La CCSS adquiere una plataforma de telemedicina y consulta a distancia para los EBAIS de "
     "la Zona Sur.", "salud-sur"),
    ("o20", "funding_call", "Digital health innovation grant",
     "Grants for electronic health records and telehealth platforms for rural clinics.",
     "salud-sur"),
    ("o21", "tender", "Sistema de trámites municipales en línea",
     "La Municipalidad de Osa contrata un sistema de permisos de construcción, cobro de "
     "patentes y trámites en línea.", "muni-soft"),
    ("o22", "tender", "Ventanilla única digital para la municipalidad",
     "Desarrollo de una plataforma de gobierno digital para el pago de impuestos municipales "
     "y trámites ciudadanos.", "muni-soft"),
    ("o23", "tender", "Levantamiento con drones de la cobertura forestal",
     "El SINAC contrata vuelos de drones para ortofotos y monitoreo de la cobertura forestal.",
     "drones-sur"),
    ("o24", "funding_call", "Drone imaging for crop health",
     "Support for multispectral drone surveys that map crop health on pineapple farms.",
     "drones-sur"),
    ("o25", "funding_call", "Fondo de turismo inmersivo con realidad virtual",
     "Se financian recorridos de realidad virtual y realidad aumentada para parques nacionales "
     "y museos.", "vr-turismo"),
    ("o26", "funding_call", "Augmented reality for museums",
     "Grants for augmented reality and virtual reality experiences in museums and nature "
     "parks.", "vr-turismo"),
    ("o27", "funding_call", "Game development accelerator",
     "Call for independent video game studios: funding to finish and publish a mobile game.",
     "juegos-brunca"),
    ("o28", "funding_call", "Convocatoria para estudios de videojuegos y animación",
     "Fondos para el desarrollo de videojuegos y animación digital en estudios "
     "independientes.", "juegos-brunca"),
    ("o29", "funding_call", "Programa de comercio electrónico para artesanos",
     "Apoyo para crear tiendas en línea y campañas de marketing digital de artesanos y pymes "
     "turísticas.", "tienda-sur"),
    ("o30", "tender", "E-commerce platform for a tourism cooperative",
     "The cooperative seeks an online store with a payment gateway and digital marketing.",
     "tienda-sur"),
    ("o31", "funding_call", "Blockchain traceability of coffee exports",
     "Funding for distributed ledger systems that trace specialty coffee lots from farm to "
     "export.", "cafe-ledger"),
    ("o32", "funding_call", "Fondo para trazabilidad con cadena de bloques",
     "Proyectos de blockchain y contratos inteligentes para certificar el origen del café.",
     "cafe-ledger"),
    ("o33", "tender", "Compra de computadoras y servidores",
     "Adquisición de equipo de cómputo, servidores e impresoras para las oficinas regionales.",
     "equipos-sur"),
    ("o34", "tender", "Supply of desktop computers and structured cabling",
     "Purchase of desktop computers, printers and structured cabling for public schools.",
     "equipos-sur"),
    ("o35", "funding_call", "Conversational AI for cooperatives",
     "Grants for chatbots built on large language models that answer members of "
     "cooperatives.", "asistentes-ia"),
    ("o36", "tender", "Asistente virtual para atención al cliente",
     "Contratación de un chatbot con procesamiento de lenguaje natural para la atención al "
     "cliente del banco.", "asistentes-ia"),
    ("o37", "funding_call", "Fondo para prototipos de electrónica y sistemas embebidos",
     "Apoyo al diseño de circuitos impresos y prototipos con microcontroladores.",
     "electronica-osa"),
    ("o38", "tender", "Embedded electronics design services",
     "Design of printed circuit boards and embedded firmware for a sensor prototype.",
     "electronica-osa"),
    ("o39", "funding_call", "Becas para bootcamps de programación",
     "Becas para jóvenes y mujeres en bootcamps de programación y certificaciones en la nube.",
     "talento-ti"),
    ("o40", "funding_call", "Digital skills training for young people",
     "Funding for coding bootcamps and tech certifications that improve youth employability.",
     "talento-ti"),
    ("o41", "tender", "Portal de datos abiertos institucional",
     "Contratación de un portal de datos abiertos y tableros de inteligencia de negocios con "
     "Power BI.", "datos-abiertos"),
    ("o42", "tender", "Data warehouse and business intelligence",
     "The ministry seeks a data warehouse and business intelligence dashboards for its "
     "statistics.", "datos-abiertos"),
    ("o43", "tender", "Desarrollo de sistema de inventario y facturación",
     "Contratación de desarrollo de software a la medida: sistema web de inventario y "
     "facturación electrónica.", "software-medida"),
    ("o44", "tender", "Custom mobile app development",
     "Development and maintenance of a custom web and mobile application for an institution.",
     "software-medida"),
    # Traps and opportunities no firm of the cluster can answer.
    ("t01", "tender", "Servicios de seguridad y vigilancia para el edificio municipal",
     "Contratación de oficiales de seguridad privada y vigilancia 24 horas para el edificio "
     "de la Municipalidad de Golfito.", None),
    ("t02", "tender", "Security guard services for the port",
     "Provision of uniformed security guards and patrols at the port facility.", None),
    ("t03", "funding_call", "Fondo de seguridad alimentaria",
     "Apoyo a huertas comunitarias y seguridad alimentaria de familias rurales.", None),
    ("t04", "tender", "Mantenimiento de la red vial cantonal",
     "Bacheo, lastreado y mantenimiento de caminos de la red vial cantonal y seguridad vial.",
     None),
    ("t05", "funding_call", "Red de cuido infantil",
     "Financiamiento para centros de la red de cuido y desarrollo infantil.", None),
    ("t06", "funding_call", "Mejoras a la cadena de frío de los pescadores",
     "Compra de cámaras de refrigeración y hielo para la cadena de frío de los pescadores "
     "artesanales.", None),
    ("t07", "tender", "Construcción de puente vehicular",
     "Construcción de un puente de concreto sobre el río Coto con sus bastiones.", None),
    ("t08", "tender", "Suministro de combustible diésel",
     "Suministro de combustible diésel y gasolina para la flotilla municipal.", None),
    ("t09", "tender", "Catering services for a conference",
     "Food and beverage catering for a two-day regional conference.", None),
    ("t10", "tender", "Compra de uniformes escolares",
     "Adquisición de uniformes y zapatos escolares para estudiantes de escasos recursos.", None),
    ("t11", "funding_call", "Programa de reforestación de cuencas",
     "Apoyo a viveros y siembra de árboles nativos en cuencas hidrográficas.", None),
    ("t12", "tender", "Limpieza de playas y recolección de residuos",
     "Servicio de limpieza de playas y recolección de residuos sólidos en Puerto Jiménez.", None),
]


def firms() -> list[Firm]:
    return [Firm(id=i, name=n, canton=c, interests=k, topics=tuple(t), description=d, size="small",
                 email=f"info@{i}.example", public=True) for i, n, c, k, t, d in FIRMS]


def opportunity_records() -> list[dict]:
    """The opportunities as the crawler hands them to nlp.enrich."""
    return [{"id": i, "kind": k, "title": t, "text": x} for i, k, t, x, _ in OPPORTUNITIES]


def documents(enriched: list[dict]) -> list[Document]:
    deadline = clock.today() + timedelta(days=30)
    return [Document(id=r["id"], url=f"https://example.org/{r['id']}", source="cluster_test",
                     kind=r["kind"], title=r["title"], body=r["text"], lang=r["lang"],
                     deadline=deadline, topics=r["topics"], topic_scores=r["topic_scores"],
                     embedding=r.get("embedding"), published=clock.now() - timedelta(days=1))
            for r in enriched]


BEST = {i: best for i, *_, best in OPPORTUNITIES}
