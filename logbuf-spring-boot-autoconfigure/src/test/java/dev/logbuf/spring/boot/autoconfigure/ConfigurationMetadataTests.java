package dev.logbuf.spring.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

import org.junit.jupiter.api.Test;

import org.springframework.beans.BeanWrapperImpl;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataProperty;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepository;
import org.springframework.boot.configurationmetadata.ConfigurationMetadataRepositoryJsonBuilder;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The configuration metadata IDEs read
 * ({@code META-INF/spring-configuration-metadata.json}), read here with Spring Boot's own
 * metadata reader. The format has no wildcards: Boot describes a map of objects (as its
 * own {@code spring.security.oauth2.client.registration}) by the map's entry, typed
 * {@code Map<String, Ring>}, and IDEs complete {@code logbuf.rings.<name>.*} from the
 * properties of {@code Ring}. So every ring property must be a documented JavaBean
 * property of {@code Ring}, and no entry may pretend to be a pattern.
 */
class ConfigurationMetadataTests {

    @Test
    void ringsAreAMapOfRingsSoThatIdesCompleteEveryRingPropertyBelowAName() throws IOException {
        Map<String, ConfigurationMetadataProperty> properties = metadata().getAllProperties();
        assertThat(properties).containsKeys("logbuf.enabled", "logbuf.rings", "management.health.logbuf.enabled");
        assertThat(properties.get("logbuf.rings").getType())
            .isEqualTo("java.util.Map<java.lang.String,dev.logbuf.spring.boot.autoconfigure.LogbufProperties$Ring>");
        assertThat(properties.get("logbuf.rings").getDescription()).isNotBlank();
        assertThat(properties.keySet()).noneMatch((name) -> name.contains("*"));
    }

    @Test
    void everyRingPropertyIsAPropertyOfRingWhereIdesFindIt() {
        BeanWrapperImpl ring = new BeanWrapperImpl(new LogbufProperties.Ring());
        for (RingProperty property : RingProperty.all()) {
            StringBuilder path = new StringBuilder();
            ConfigurationPropertyName name = ConfigurationPropertyName.of(property.key());
            for (int i = 0; i < name.getNumberOfElements(); i++) {
                path.append((i > 0) ? "." : "")
                    .append(camelCase(name.getElement(i, ConfigurationPropertyName.Form.DASHED)));
            }
            assertThat(ring.isReadableProperty(path.toString())).as("Ring property %s (%s)", path, property.key())
                .isTrue();
        }
    }

    private static String camelCase(String dashed) {
        StringBuilder camel = new StringBuilder();
        boolean upper = false;
        for (char c : dashed.toCharArray()) {
            if (c == '-') {
                upper = true;
            }
            else {
                camel.append(upper ? Character.toUpperCase(c) : c);
                upper = false;
            }
        }
        return camel.toString();
    }

    private static ConfigurationMetadataRepository metadata() throws IOException {
        try (InputStream json = new ClassPathResource("META-INF/spring-configuration-metadata.json").getInputStream()) {
            return ConfigurationMetadataRepositoryJsonBuilder.create().withJsonResource(json).build();
        }
    }

}
