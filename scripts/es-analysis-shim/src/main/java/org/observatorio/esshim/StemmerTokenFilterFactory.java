package org.observatorio.esshim;

import org.apache.lucene.analysis.TokenStream;
import org.apache.lucene.analysis.en.EnglishMinimalStemFilter;
import org.apache.lucene.analysis.en.EnglishPossessiveFilter;
import org.apache.lucene.analysis.en.KStemFilter;
import org.apache.lucene.analysis.en.PorterStemFilter;
import org.apache.lucene.analysis.es.SpanishLightStemFilter;
import org.apache.lucene.analysis.es.SpanishPluralStemFilter;
import org.apache.lucene.analysis.snowball.SnowballFilter;
import org.elasticsearch.plugin.Inject;
import org.elasticsearch.plugin.NamedComponent;
import org.elasticsearch.plugin.analysis.TokenFilterFactory;
import org.elasticsearch.plugin.settings.AnalysisSettings;
import org.elasticsearch.plugin.settings.StringSetting;
import org.tartarus.snowball.ext.EnglishStemmer;
import org.tartarus.snowball.ext.SpanishStemmer;

import java.util.Locale;
import java.util.function.UnaryOperator;

/**
 * The {@code stemmer} token filter, restricted to the Spanish and English stemmers, mapped to the
 * same Lucene classes Elasticsearch's analysis-common uses. The stemmer is chosen by {@code language}
 * (alias {@code name}, default {@code porter}); an unsupported value fails index creation.
 */
@NamedComponent("stemmer")
public class StemmerTokenFilterFactory implements TokenFilterFactory {

    /** Index settings of one {@code stemmer} filter definition. */
    @AnalysisSettings
    public interface Settings {
        @StringSetting(path = "language", defaultValue = "")
        String language();

        @StringSetting(path = "name", defaultValue = "porter")
        String name();
    }

    private final UnaryOperator<TokenStream> stemmer;

    @Inject
    public StemmerTokenFilterFactory(Settings settings) {
        String language = settings.language().isEmpty() ? settings.name() : settings.language();
        this.stemmer = forLanguage(language);
    }

    static UnaryOperator<TokenStream> forLanguage(String language) {
        return switch (language.toLowerCase(Locale.ROOT)) {
            case "spanish" -> ts -> new SnowballFilter(ts, new SpanishStemmer());
            case "light_spanish", "lightspanish" -> SpanishLightStemFilter::new;
            case "spanish_plural" -> SpanishPluralStemFilter::new;
            case "english", "porter" -> PorterStemFilter::new;
            case "light_english", "lightenglish", "kstem" -> KStemFilter::new;
            case "minimal_english", "minimalenglish" -> EnglishMinimalStemFilter::new;
            case "possessive_english", "possessiveenglish" -> EnglishPossessiveFilter::new;
            case "porter2" -> ts -> new SnowballFilter(ts, new EnglishStemmer());
            default -> throw new IllegalArgumentException(
                "stemmer language [" + language + "] is not supported by observatorio-analysis-shim"
                    + " (only Spanish and English stemmers; install analysis-common for the rest)"
            );
        };
    }

    @Override
    public TokenStream create(TokenStream tokenStream) {
        return stemmer.apply(tokenStream);
    }
}
