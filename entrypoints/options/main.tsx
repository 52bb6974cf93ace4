import { render } from 'preact';
import { t } from '../../src/ui/i18n';
import { OptionsApp } from '../../src/ui/options/OptionsApp';
import '../../src/ui/theme.css';

document.title = t('optionsTitle');
document.documentElement.lang = t('kitLang');
render(<OptionsApp />, document.getElementById('app')!);
